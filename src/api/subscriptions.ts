// Tenants' webhook subscriptions (CloudEvents Subscriptions API model plus the gateway's delivery
// settings): create, list, read, merge-patch, delete, pause/resume, rotate the signing secret, and send
// a test event. Every change is announced through `ctx.subscriptionChanged`, so routing follows at once.
import { ApiError, ErrorCodes, isGatewayError } from '../errors.js';
import type { NewSubscription, Subscription, SubscriptionPatch } from '../store/types.js';
import { checkSubscription } from './checks.js';
import type { ApiContext } from './context.js';
import { webhookHandshake } from './handshake.js';
import { mergePatch } from './mergepatch.js';
import { sendPage, toPageQuery } from './paging.js';
import { op, type Call, type Resource } from './resource.js';
import {
  createQuery,
  SUBSCRIPTION_FIELDS,
  subscriptionInput,
  subscriptionPatch,
  subscriptionQuery,
  type SubscriptionInput,
} from './schemas.js';
import { newSecret, rotateSecrets } from './secrets.js';
import { buildTestEvent } from './testevent.js';
import { check } from './validation.js';
import { etag, subscriptionLocation, subscriptionView } from './view.js';

type Settings = Omit<NewSubscription, 'tenantId' | 'secrets' | 'state'>;

/** The input with the gateway's defaults filled in, as stored. */
function settings(input: SubscriptionInput): Settings {
  return {
    ...input,
    protocol: 'HTTP',
    types: input.types ?? ['*'],
    contentMode: input.contentMode ?? 'binary',
    signing: input.signing ?? { scheme: 'standard-webhooks' },
  };
}

/** The tenant-writable part of a stored subscription, the document a merge patch applies to. */
function writable(sub: Subscription): Record<string, unknown> {
  return Object.fromEntries(SUBSCRIPTION_FIELDS.filter((k) => sub[k] !== undefined).map((k) => [k, sub[k]]));
}

export async function ownedSubscription(ctx: ApiContext, tenantId: string, id: string): Promise<Subscription> {
  const sub = await ctx.store.subscriptions.get(tenantId, id);
  // another tenant's id is as absent as an unknown one: existence is not disclosed
  if (!sub) throw new ApiError(404, ErrorCodes.API_NOT_FOUND, `no subscription ${id}`);
  return sub;
}

/** True when an `If-Match` header is absent or lists the subscription's entity tag (or `*`). */
function ifMatchHolds(header: string | undefined, sub: Subscription): boolean {
  if (header === undefined) return true;
  const tags = header.split(',').map((t) => t.trim());
  return tags.includes('*') || tags.includes(etag(sub));
}

export function subscriptionResources(ctx: ApiContext): Resource[] {
  const owner = (tenantId: string, id: string) => ({ kind: 'subscription' as const, id, tenantId });

  /** Stores a change made against `current`; a concurrent writer in between makes it a 409 (412 with If-Match). */
  async function update(call: Call<unknown, unknown>, current: Subscription, patch: SubscriptionPatch): Promise<Subscription> {
    let sub: Subscription;
    try {
      sub = await ctx.store.subscriptions.update(call.tenantId, current.id, patch, current.revision);
    } catch (err) {
      if (isGatewayError(err) && err.code === ErrorCodes.STORE_CONFLICT && call.req.headers['if-match'] !== undefined) {
        throw new ApiError(412, ErrorCodes.API_PRECONDITION_FAILED, err.message);
      }
      throw err;
    }
    await ctx.subscriptionChanged(call.tenantId, sub.id);
    return sub;
  }

  const answer = (call: Call<unknown, unknown>, sub: Subscription, extra: Record<string, unknown> = {}) => {
    call.res.set('ETag', etag(sub)).json({ ...subscriptionView(sub), ...extra });
  };

  const setState = (state: 'active' | 'paused', summary: string) =>
    op({
      summary,
      access: 'tenant',
      responses: { 200: 'the subscription' },
      async handle(call) {
        const current = await ownedSubscription(ctx, call.tenantId, call.params.id!);
        // resuming is also how a tenant re-enables a subscription the gateway disabled
        answer(call, await update(call, current, { state, disabledReason: null }));
      },
    });

  return [
    {
      path: '/v1/subscriptions',
      operations: {
        GET: op({
          summary: 'list the subscriptions, oldest first',
          access: 'tenant',
          query: subscriptionQuery,
          responses: { 200: 'a page of subscriptions' },
          async handle(call) {
            const { type, state, ...params } = call.query;
            const page = await ctx.store.subscriptions.list(call.tenantId, {
              ...toPageQuery(params, ctx.config.api.maxPageSize),
              ...(type !== undefined && { type }),
              ...(state !== undefined && { state }),
            });
            sendPage(call.req, call.res, page, subscriptionView);
          },
        }),
        POST: op({
          summary: 'create a subscription; the answer carries its signing secret, shown only this once',
          access: 'tenant',
          body: subscriptionInput,
          query: createQuery,
          responses: { 201: 'the subscription, with `secret`' },
          async handle(call) {
            await checkSubscription(ctx, call.body, owner(call.tenantId, 'new'));
            const handshake = call.query.handshake === undefined ? ctx.config.api.webhookHandshake : call.query.handshake === 'true';
            if (handshake) await webhookHandshake(ctx.config, call.body.sink, call.req.hostname);
            const sub = await ctx.store.subscriptions.create({
              ...settings(call.body),
              tenantId: call.tenantId,
              secrets: [newSecret(new Date())],
            });
            await ctx.subscriptionChanged(call.tenantId, sub.id);
            call.res.status(201).location(subscriptionLocation(sub.id));
            answer(call, sub, { secret: sub.secrets[0]!.secret });
          },
        }),
      },
    },
    {
      path: '/v1/subscriptions/{id}',
      operations: {
        GET: op({
          summary: 'read a subscription (secrets by id only)',
          access: 'tenant',
          responses: { 200: 'the subscription, with its revision as ETag' },
          async handle(call) {
            answer(call, await ownedSubscription(ctx, call.tenantId, call.params.id!));
          },
        }),
        PATCH: op({
          summary: 'change a subscription with a JSON merge patch (RFC 7386); If-Match guards against lost updates',
          access: 'tenant',
          body: subscriptionPatch,
          mediaTypes: ['application/merge-patch+json', 'application/json'],
          responses: { 200: 'the subscription after the change', 412: 'If-Match does not match the current revision' },
          async handle(call) {
            const current = await ownedSubscription(ctx, call.tenantId, call.params.id!);
            if (!ifMatchHolds(call.req.headers['if-match'], current)) {
              throw new ApiError(412, ErrorCodes.API_PRECONDITION_FAILED, `subscription ${current.id} is at revision ${current.revision}; re-read it and retry`);
            }
            const input = check(subscriptionInput, mergePatch(writable(current), call.body), 'subscription after the patch');
            await checkSubscription(ctx, input, owner(call.tenantId, current.id));
            const next = settings(input);
            const patch = Object.fromEntries(Object.keys(call.body).map((k) => [k, next[k as keyof Settings] ?? null]));
            answer(call, await update(call, current, patch as SubscriptionPatch));
          },
        }),
        DELETE: op({
          summary: 'delete a subscription',
          access: 'tenant',
          responses: { 204: 'deleted' },
          async handle(call) {
            const id = call.params.id!;
            if (!(await ctx.store.subscriptions.delete(call.tenantId, id))) throw new ApiError(404, ErrorCodes.API_NOT_FOUND, `no subscription ${id}`);
            await ctx.subscriptionChanged(call.tenantId, id);
            call.res.status(204).end();
          },
        }),
      },
    },
    {
      path: '/v1/subscriptions/{id}/secret/rotate',
      operations: {
        POST: op({
          summary: 'make a new signing secret (shown only this once); the old ones keep signing for the grace period',
          access: 'tenant',
          responses: { 200: 'the subscription, with the new `secret`' },
          async handle(call) {
            const current = await ownedSubscription(ctx, call.tenantId, call.params.id!);
            const secrets = rotateSecrets(current.secrets, new Date(), ctx.config.api.secretGraceMs);
            const sub = await update(call, current, { secrets });
            answer(call, sub, { secret: secrets[0]!.secret });
          },
        }),
      },
    },
    {
      path: '/v1/subscriptions/{id}/test',
      operations: {
        POST: op({
          summary: 'send a test event now, through the real pipeline and signing',
          access: 'tenant',
          responses: { 200: 'the attempt made' },
          async handle(call) {
            const sub = await ownedSubscription(ctx, call.tenantId, call.params.id!);
            call.res.json(await ctx.testDelivery(sub, buildTestEvent(sub, ctx.schemas)));
          },
        }),
      },
    },
    { path: '/v1/subscriptions/{id}/pause', operations: { POST: setState('paused', 'stop delivering until resumed') } },
    { path: '/v1/subscriptions/{id}/resume', operations: { POST: setState('active', 'deliver again (also after the gateway disabled it)') } },
  ];
}
