// What one attempt's result means for the delivery: done, retry after a delay, or give up. Kept apart from
// the worker so the rules (2xx, Retry-After, 410, redirects, retryable errors) read in one place.
import type { RetryPolicy } from '../config/types.js';
import { DelayedError, DeliveryError, ErrorCodes, isGatewayError, type GatewayError } from '../errors.js';
import { nextDelay, parseRetryAfter } from './retry.js';
import type { SendResult } from './sender.js';

export type Outcome =
  | { kind: 'success' }
  | { kind: 'retry'; delayMs: number; error: GatewayError }
  | { kind: 'failed'; error: GatewayError; gone?: boolean };

export function fromResponse(res: SendResult, attempt: number, policy: RetryPolicy): Outcome {
  if (res.status >= 200 && res.status < 300) return { kind: 'success' };
  if (res.status === 410) {
    return { kind: 'failed', gone: true, error: new DeliveryError(ErrorCodes.DELIVERY_GONE, 'the endpoint answered 410 Gone', { status: 410 }) };
  }
  if (res.status >= 300 && res.status < 400) {
    const error = new DeliveryError(ErrorCodes.DELIVERY_REDIRECT, `the endpoint redirected (${res.status}); redirects are not followed`, {
      status: res.status,
      retryable: true,
    });
    return fromError(error, attempt, policy);
  }
  const retryAfterMs = res.status === 429 || res.status === 503 ? parseRetryAfter(res.headers['retry-after']) : undefined;
  const error = new DeliveryError(ErrorCodes.DELIVERY_HTTP_STATUS, `the endpoint answered ${res.status}`, {
    status: res.status,
    retryable: true,
    retryAfterMs,
  });
  return fromError(error, attempt, policy);
}

export function fromError(error: unknown, attempt: number, policy: RetryPolicy): Outcome {
  const err = isGatewayError(error) ? error : new DeliveryError(ErrorCodes.DELIVERY_NETWORK, String((error as Error)?.message ?? error), { retryable: true });
  if (!err.retryable) return { kind: 'failed', error: err };
  const scheduled = nextDelay(policy, attempt + 1);
  if (scheduled === undefined) return { kind: 'failed', error: err };
  const asked = err instanceof DelayedError ? err.delayMs : err instanceof DeliveryError ? err.retryAfterMs : undefined;
  return { kind: 'retry', delayMs: asked ?? scheduled, error: err };
}
