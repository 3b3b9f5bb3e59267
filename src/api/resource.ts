// The /v1 API as data: each resource is a path with its operations, and each operation declares who may
// call it, the schemas of its body and query, and its answers. From that one declaration come the express
// routes (auth, content type, size limit, validation), `OPTIONS` with `Allow`, 405 for other methods, and
// the OpenAPI document; so what is documented is what is enforced.
import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import { ApiError, ErrorCodes } from '../errors.js';
import { authenticate, authorize, type Access, type Principal } from './auth.js';
import type { ApiContext } from './context.js';
import { check, type Schema } from './validation.js';

export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

// Subscription documents are small; a tight bound keeps JSON parsing, ajv and CESQL compilation cheap.
export const MAX_BODY_BYTES = 256 * 1024;
const JSON_TYPES = ['application/json'];

export interface Call<B, Q> {
  req: Request;
  res: Response;
  principal: Principal;
  /** the caller's tenant for `tenant` operations; empty for the admin, so a stray lookup finds nothing */
  tenantId: string;
  params: Record<string, string>;
  body: B;
  query: Q;
}

export interface Operation<B, Q> {
  summary: string;
  access: Access;
  /** the request body; an operation without one ignores what is sent */
  body?: Schema<B>;
  /** media types accepted for the body (default application/json) */
  mediaTypes?: string[];
  query?: Schema<Q>;
  /** status → what it means, for the OpenAPI document; error answers are added there */
  responses: Record<number, string>;
  handle(call: Call<B, Q>): Promise<void> | void;
}

export interface Resource {
  /** OpenAPI style, e.g. `/v1/subscriptions/{id}` */
  path: string;
  operations: Partial<Record<Method, Operation<any, any>>>;
}

/** Declares an operation, inferring its body and query types from its schemas. */
export function op<B = undefined, Q = Record<string, never>>(operation: Operation<B, Q>): Operation<B, Q> {
  return operation;
}

export function allowed(resource: Resource): string[] {
  const methods = Object.keys(resource.operations);
  return [...methods, ...(methods.includes('GET') ? ['HEAD'] : []), 'OPTIONS'];
}

function hasBody(req: Request): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}

function handler(ctx: ApiContext, operation: Operation<unknown, unknown>): RequestHandler[] {
  const types = operation.mediaTypes ?? JSON_TYPES;
  const chain: RequestHandler[] = [
    async (req, res, next) => {
      if (operation.access !== 'public') {
        try {
          res.locals.principal = await authenticate(ctx, req);
        } catch (err) {
          if (err instanceof ApiError && err.status === 401) res.set('WWW-Authenticate', 'Bearer');
          throw err;
        }
        authorize(res.locals.principal as Principal, operation.access);
      }
      next();
    },
  ];
  if (operation.body) {
    chain.push((req, _res, next) => {
      if (hasBody(req) && !req.is(types)) {
        throw new ApiError(415, ErrorCodes.API_UNSUPPORTED_MEDIA_TYPE, `the request body must be ${types.join(' or ')}`);
      }
      next();
    });
    chain.push(express.json({ limit: MAX_BODY_BYTES, type: types }));
  }
  chain.push(async (req, res) => {
    const principal: Principal = res.locals.principal ?? { kind: 'anonymous' };
    await operation.handle({
      req,
      res,
      principal,
      tenantId: principal.kind === 'tenant' ? principal.tenantId : '',
      params: req.params as Record<string, string>,
      body: operation.body ? check(operation.body, hasBody(req) ? req.body : undefined, 'request body') : undefined,
      query: operation.query ? check(operation.query, { ...req.query }, 'query') : {},
    });
  });
  return chain;
}

/** Mounts the resources on `router`, each with `OPTIONS` and a 405 for methods it does not have. */
export function mountResources(router: Router, ctx: ApiContext, resources: Resource[]): Router {
  for (const resource of resources) {
    const path = resource.path.replace(/\{(\w+)\}/g, ':$1');
    const allow = allowed(resource).join(', ');
    for (const [method, operation] of Object.entries(resource.operations)) {
      router[method.toLowerCase() as Lowercase<Method>](path, ...handler(ctx, operation));
    }
    router.options(path, (_req, res) => {
      res.set('Allow', allow).status(204).end();
    });
    router.all(path, (req, res) => {
      res.set('Allow', allow);
      throw new ApiError(405, ErrorCodes.API_METHOD_NOT_ALLOWED, `${req.method} is not allowed on ${resource.path} (allowed: ${allow})`);
    });
  }
  return router;
}
