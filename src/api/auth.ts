// Who is calling: a tenant (by API key) or the operator (by the bootstrap admin key). Keys travel as
// `Authorization: Bearer <key>`; a tenant key is found by its public prefix and checked against the stored
// hash in constant time, the admin key by comparing SHA-256 digests in constant time.
import { timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { ApiError, ErrorCodes } from '../errors.js';
import { apiKeyPrefix, hashApiKey, verifyApiKey } from '../store/mod.js';
import type { ApiContext } from './context.js';

export type Principal = { kind: 'tenant'; tenantId: string; keyId: string } | { kind: 'admin' } | { kind: 'anonymous' };

/** who may call an operation: a tenant key, the admin key, either, or anyone */
export type Access = 'tenant' | 'admin' | 'any' | 'public';

// lastUsedAt is for humans auditing keys: minute precision is plenty, and it spares a write per request
const MARK_USED_EVERY_MS = 60_000;

function unauthorized(message: string): ApiError {
  return new ApiError(401, ErrorCodes.API_UNAUTHORIZED, message);
}

function bearer(req: Request): string {
  const header = req.headers.authorization;
  if (header === undefined) throw unauthorized('an API key is required: Authorization: Bearer <key>');
  const m = /^Bearer +(\S+) *$/i.exec(header);
  if (!m?.[1]) throw unauthorized('the Authorization header must be "Bearer <key>"');
  return m[1];
}

function isAdminKey(ctx: ApiContext, key: string): boolean {
  if (ctx.adminKeyHash === undefined) return false;
  const expected = Buffer.from(ctx.adminKeyHash, 'hex');
  const actual = Buffer.from(hashApiKey(key), 'hex');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** The caller; throws 401 for a missing, malformed, unknown or revoked key. */
export async function authenticate(ctx: ApiContext, req: Request): Promise<Principal> {
  const key = bearer(req);
  if (isAdminKey(ctx, key)) return { kind: 'admin' };
  const prefix = apiKeyPrefix(key);
  const row = prefix === undefined ? undefined : await ctx.store.apiKeys.findActiveByPrefix(prefix);
  // one message for every failure: the answer must not tell a guesser which part was right
  if (!row || !verifyApiKey(key, row.hash)) throw unauthorized('unknown or revoked API key');
  const now = Date.now();
  if (!row.lastUsedAt || now - row.lastUsedAt.getTime() > MARK_USED_EVERY_MS) {
    ctx.store.apiKeys.markUsed(row.id, new Date(now)).catch((err: unknown) => ctx.logger.warn({ err, keyId: row.id }, 'could not mark an API key used'));
  }
  return { kind: 'tenant', tenantId: row.tenantId, keyId: row.id };
}

/** Throws 403 when the principal may not use an operation of this access level. */
export function authorize(principal: Principal, access: Access): void {
  if (access === 'public') return;
  if (access === 'admin' && principal.kind !== 'admin') {
    throw new ApiError(403, ErrorCodes.API_FORBIDDEN, 'this operation needs the admin key');
  }
  if (access === 'tenant' && principal.kind !== 'tenant') {
    throw new ApiError(403, ErrorCodes.API_FORBIDDEN, 'this operation acts for a tenant: use one of its API keys');
  }
}
