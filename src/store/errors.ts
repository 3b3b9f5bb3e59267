// The few ways a store operation fails, as StoreErrors with stable codes.
import { ErrorCodes, StoreError } from '../errors.js';

export function notFound(what: string, id: string): StoreError {
  return new StoreError(ErrorCodes.STORE_NOT_FOUND, `${what} ${id} not found`);
}

export function conflict(what: string, id: string, expected: number, actual: number): StoreError {
  return new StoreError(
    ErrorCodes.STORE_CONFLICT,
    `${what} ${id} is at revision ${actual}, not ${expected}: re-read it and retry`,
  );
}

/** Retryable: callers keep the message un-acked and try again once the database is back. */
export function unavailable(cause: unknown): StoreError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new StoreError(ErrorCodes.STORE_UNAVAILABLE, `store unavailable: ${reason}`, { retryable: true, cause });
}
