// Result helpers for plugin authors, and the single place that tells a returned StepResult from a plain
// return value (a plugin may answer `true`, an event, a message or headers directly).
import { ErrorCodes, GatewayError, PluginError } from '../errors.js';
import type { StepResult } from './types.js';

/** Keep the event (a filter's "yes"). */
export function keep(): StepResult<void> {
  return { kind: 'continue', value: undefined };
}

/** Drop the event on purpose; the reason is logged and counted, nothing is retried. */
export function drop(reason: string): StepResult<never> {
  return { kind: 'drop', reason };
}

/**
 * Give up on this event. `retryable` picks a delayed retry (true) or the dead-letter stream (false);
 * a GatewayError keeps its code and violations.
 */
export function fail(cause: string | Error, opts: { retryable: boolean }): StepResult<never> {
  const message = typeof cause === 'string' ? cause : cause.message;
  const code = cause instanceof GatewayError ? cause.code : ErrorCodes.PLUGIN_FAILED;
  const violations = cause instanceof GatewayError ? cause.violations : [];
  return {
    kind: 'fail',
    error: new PluginError(code, message, {
      retryable: opts.retryable,
      violations,
      cause: typeof cause === 'string' ? undefined : cause,
    }),
  };
}

// CloudEvents may carry an extension called `kind`, so an object with `specversion` is never a result.
export function isStepResult(value: unknown): value is StepResult<unknown> {
  if (typeof value !== 'object' || value === null || 'specversion' in value) return false;
  const r = value as Record<string, unknown>;
  switch (r.kind) {
    case 'continue':
      return 'value' in r;
    case 'drop':
      return typeof r.reason === 'string';
    case 'fail':
      return r.error instanceof Error;
    default:
      return false;
  }
}
