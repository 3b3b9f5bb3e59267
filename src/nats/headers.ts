import { headers as natsHeaders, type MsgHdrs } from '@nats-io/transport-node';

/** NATS headers as a plain map (names as sent), so codecs stay free of client types. */
export function headersToMap(h: MsgHdrs | undefined): Map<string, string[]> {
  const out = new Map<string, string[]>();
  if (!h) return out;
  for (const [k, v] of h) out.set(k, v);
  return out;
}

export function mapToHeaders(values: Record<string, string>): MsgHdrs {
  const h = natsHeaders();
  for (const [k, v] of Object.entries(values)) h.set(k, v);
  return h;
}
