// What the API shows of stored objects. Secret values never appear here: a subscription lists its
// secrets by id and lifetime, an API key by prefix; the values are shown once, by the operations that
// make them, which add them to these views themselves.
import type { ApiKey, Subscription } from '../store/types.js';

export function subscriptionView(sub: Subscription): Record<string, unknown> {
  const { tenantId: _tenant, secrets, ...rest } = sub;
  return {
    ...rest,
    secrets: secrets.map((s) => ({ id: s.id, createdAt: s.createdAt, ...(s.expiresAt && { expiresAt: s.expiresAt }) })),
  };
}

export function apiKeyView(key: ApiKey): Record<string, unknown> {
  const { hash: _hash, ...rest } = key;
  return rest;
}

export function subscriptionLocation(id: string): string {
  return `/v1/subscriptions/${encodeURIComponent(id)}`;
}

/** The revision as an entity tag, for `ETag` and `If-Match`. */
export function etag(sub: Subscription): string {
  return `"${sub.revision}"`;
}
