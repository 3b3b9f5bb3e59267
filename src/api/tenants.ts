// Tenants and their API keys, managed with the admin key. A key is shown once, when made; the store keeps
// its prefix (to find it) and a hash (to check it). Revoking is immediate: the next request with it is 401.
import { ApiError, ErrorCodes } from '../errors.js';
import { generateApiKey } from '../store/mod.js';
import type { ApiContext } from './context.js';
import { sendPage, toPageQuery } from './paging.js';
import { op, type Resource } from './resource.js';
import { apiKeyInput, pageQuery, tenantInput } from './schemas.js';
import { apiKeyView } from './view.js';

export function tenantResources(ctx: ApiContext): Resource[] {
  const existing = async (id: string) => {
    const tenant = await ctx.store.tenants.get(id);
    if (!tenant) throw new ApiError(404, ErrorCodes.API_NOT_FOUND, `no tenant ${id}`);
    return tenant;
  };

  return [
    {
      path: '/v1/tenants',
      operations: {
        GET: op({
          summary: 'list the tenants, oldest first',
          access: 'admin',
          query: pageQuery,
          responses: { 200: 'a page of tenants' },
          async handle(call) {
            const page = await ctx.store.tenants.list(toPageQuery(call.query, ctx.config.api.maxPageSize));
            sendPage(call.req, call.res, page, (t) => t);
          },
        }),
        POST: op({
          summary: 'create a tenant',
          access: 'admin',
          body: tenantInput,
          responses: { 201: 'the tenant', 409: 'a tenant with that id exists' },
          async handle(call) {
            const tenant = await ctx.store.tenants.create(call.body);
            call.res.status(201).location(`/v1/tenants/${encodeURIComponent(tenant.id)}`).json(tenant);
          },
        }),
      },
    },
    {
      path: '/v1/tenants/{id}/keys',
      operations: {
        GET: op({
          summary: "list a tenant's API keys (revoked ones included, values never)",
          access: 'admin',
          query: pageQuery,
          responses: { 200: 'a page of API keys' },
          async handle(call) {
            const tenant = await existing(call.params.id!);
            const page = await ctx.store.apiKeys.list(tenant.id, toPageQuery(call.query, ctx.config.api.maxPageSize));
            sendPage(call.req, call.res, page, apiKeyView);
          },
        }),
        POST: op({
          summary: 'make an API key for a tenant; the answer carries the key, shown only this once',
          access: 'admin',
          body: apiKeyInput,
          responses: { 201: 'the API key, with `key`' },
          async handle(call) {
            const tenant = await existing(call.params.id!);
            const { key, prefix, hash } = generateApiKey();
            const row = await ctx.store.apiKeys.create({ tenantId: tenant.id, name: call.body.name, prefix, hash });
            call.res
              .status(201)
              .location(`/v1/tenants/${encodeURIComponent(tenant.id)}/keys/${encodeURIComponent(row.id)}`)
              .json({ ...apiKeyView(row), key });
          },
        }),
      },
    },
    {
      path: '/v1/tenants/{id}/keys/{keyId}',
      operations: {
        DELETE: op({
          summary: 'revoke an API key',
          access: 'admin',
          responses: { 204: 'revoked' },
          async handle(call) {
            if (!(await ctx.store.apiKeys.revoke(call.params.id!, call.params.keyId!))) {
              throw new ApiError(404, ErrorCodes.API_NOT_FOUND, `no active API key ${call.params.keyId} of tenant ${call.params.id}`);
            }
            call.res.status(204).end();
          },
        }),
      },
    },
  ];
}
