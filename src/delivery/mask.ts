// Attempt logs keep request headers for debugging but never credentials: values of headers that carry
// secrets are replaced before the record leaves the worker.
const SENSITIVE = /^(authorization|proxy-authorization|cookie|x-api-key)$|token|secret|password|api-key/i;

export function maskHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) out[k] = SENSITIVE.test(k) ? '[masked]' : v;
  return out;
}
