// Attempt logs keep request headers for debugging but never credentials: values of headers that carry
// secrets are replaced before the record leaves the worker.
const SENSITIVE = /^(authorization|proxy-authorization|cookie|x-api-key)$|token|secret|password|api-key/i;

/** Verdicts by header name: every attempt logs the same few names. Bounded; a cleared memo only costs a test. */
const verdicts = new Map<string, boolean>();
const MAX_NAMES = 1000;

export function maskHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k in headers) {
    let sensitive = verdicts.get(k);
    if (sensitive === undefined) {
      sensitive = SENSITIVE.test(k);
      if (verdicts.size >= MAX_NAMES) verdicts.clear();
      verdicts.set(k, sensitive);
    }
    out[k] = sensitive ? '[masked]' : headers[k]!;
  }
  return out;
}
