// The CloudEvents webhook validation handshake (HTTP Webhook spec, section 4): before a sink is accepted,
// it is asked by `OPTIONS` with `WebHook-Request-Origin` whether it wants our events, and it consents by
// echoing the origin (or `*`) in `WebHook-Allowed-Origin`. The request goes through the SSRF guard like
// any delivery, so a subscription cannot be used to probe internal addresses.
import { Agent, request } from 'undici';
import { ApiError, ErrorCodes } from '../errors.js';
import { SsrfGuard } from '../delivery/ssrf.js';
import type { GatewayConfig } from '../config/types.js';

function refused(message: string): ApiError {
  return new ApiError(400, ErrorCodes.API_BAD_REQUEST, `the sink did not pass the webhook validation handshake: ${message}`, {
    violations: [{ pointer: '/sink', message, rule: 'handshake' }],
  });
}

/** Resolves when the sink consents to events from `origin`; else throws a 400 naming why. */
export async function webhookHandshake(config: GatewayConfig, sink: string, origin: string): Promise<void> {
  const agent = new Agent({ connect: { lookup: new SsrfGuard(config.delivery.ssrf.allow).lookup } });
  try {
    const res = await request(sink, {
      method: 'OPTIONS',
      headers: { 'webhook-request-origin': origin },
      dispatcher: agent,
      headersTimeout: config.delivery.timeoutMs,
      bodyTimeout: config.delivery.timeoutMs,
    });
    await res.body.dump();
    const allowed = res.headers['webhook-allowed-origin'];
    // consent is the header alone: the spec tells senders not to read anything into the status code
    if (allowed !== origin && allowed !== '*') {
      const got = allowed === undefined ? 'no WebHook-Allowed-Origin header' : `WebHook-Allowed-Origin: ${String(allowed)}`;
      throw refused(`it answered OPTIONS with ${res.statusCode} and ${got}; it must allow origin "${origin}" (or "*")`);
    }
  } catch (err) {
    if (err instanceof ApiError) throw err;
    throw refused(`OPTIONS ${sink} failed: ${(err as Error).message}`);
  } finally {
    await agent.close();
  }
}
