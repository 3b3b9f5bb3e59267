// Calls the /v1 API of a running gateway (in-process or a child process) the way a tenant would.
import { request } from 'undici';

export interface ApiReply {
  status: number;
  body: any;
}

export async function api(base: string, method: string, path: string, key: string, body?: unknown): Promise<ApiReply> {
  const res = await request(base + path, {
    method: method as 'GET',
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.body.text();
  return { status: res.statusCode, body: text ? JSON.parse(text) : undefined };
}

/** A tenant and an API key of it, created with the admin key. */
export async function tenantKey(base: string, adminKey: string, name: string): Promise<{ tenantId: string; key: string }> {
  const t = await api(base, 'POST', '/v1/tenants', adminKey, { name });
  if (t.status !== 201) throw new Error(`cannot create tenant: ${t.status} ${JSON.stringify(t.body)}`);
  const k = await api(base, 'POST', `/v1/tenants/${t.body.id}/keys`, adminKey, { name: 'test' });
  if (k.status !== 201) throw new Error(`cannot create key: ${k.status} ${JSON.stringify(k.body)}`);
  return { tenantId: t.body.id, key: k.body.key };
}
