// The /v1 API as the CLI calls it: one request, its JSON answer, or an ApiError carrying the problem's detail.
import { request } from 'undici';
import { ApiError, ErrorCodes, type ErrorCode } from '../errors.js';

export interface Connection {
  url: string;
  apiKey?: string;
}

export async function call(conn: Connection, method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<unknown> {
  if (!conn.apiKey) throw new ApiError(401, ErrorCodes.API_UNAUTHORIZED, 'no API key: pass --api-key or set CEG_API_KEY');
  const headers: Record<string, string> = { authorization: `Bearer ${conn.apiKey}`, accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = contentType;
  const res = await request(new URL(path, conn.url), { method: method as 'GET', headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.body.text();
  const parsed: unknown = text ? JSON.parse(text) : undefined;
  if (res.statusCode >= 400) {
    const problem = (parsed ?? {}) as { detail?: string; code?: string };
    throw new ApiError(res.statusCode, (problem.code ?? ErrorCodes.API_BAD_REQUEST) as ErrorCode, `${res.statusCode}: ${problem.detail ?? text}`);
  }
  return parsed;
}
