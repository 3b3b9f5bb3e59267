// Driver errors, sorted into "the database is unreachable" (retryable StoreError) and everything else (left
// as is: a bug or bad input should not be retried forever).
import {
  MongoBulkWriteError,
  MongoError,
  MongoNetworkError,
  MongoNotConnectedError,
  MongoOperationTimeoutError,
  MongoServerClosedError,
  MongoServerError,
  MongoServerSelectionError,
} from 'mongodb';
import { unavailable } from '../errors.js';

// server codes meaning "not now, try again" (shutdown, failover, network trouble on the server's side)
const TRANSIENT_CODES = new Set([6, 7, 89, 91, 189, 9001, 10107, 11600, 11602, 13435, 13436]);
// socket errors the driver sometimes passes through unwrapped when the server goes away mid-write
const SOCKET_CODES = new Set(['EPIPE', 'ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'ERR_SOCKET_CLOSED', 'ERR_STREAM_DESTROYED']);

export function isUnavailable(err: unknown): boolean {
  if (
    err instanceof MongoNetworkError ||
    err instanceof MongoServerSelectionError ||
    err instanceof MongoNotConnectedError ||
    err instanceof MongoServerClosedError ||
    err instanceof MongoOperationTimeoutError
  ) {
    return true;
  }
  // a bulk write wraps the driver error that stopped it; the original is kept as errorResponse
  if (err instanceof MongoBulkWriteError && err.errorResponse instanceof Error) return isUnavailable(err.errorResponse);
  if (err instanceof MongoServerError && typeof err.code === 'number' && TRANSIENT_CODES.has(err.code)) return true;
  const code = (err as { code?: unknown } | null)?.code;
  if (!(err instanceof MongoError) && typeof code === 'string' && SOCKET_CODES.has(code)) return true;
  return err instanceof MongoError && (err.hasErrorLabel('RetryableWriteError') || err.hasErrorLabel('ResetPool'));
}

/** Runs a database operation, turning unreachability into STORE_UNAVAILABLE. */
export async function guard<T>(op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (err) {
    throw isUnavailable(err) ? unavailable(err) : err;
  }
}

export function isDuplicateKey(err: unknown): boolean {
  return err instanceof MongoServerError && err.code === 11000;
}

/** A bulk insert whose only failures are ids already stored: a retried batch that had partly gone through. */
export function onlyDuplicates(err: unknown): boolean {
  if (!(err instanceof MongoBulkWriteError)) return false;
  const errors = Array.isArray(err.writeErrors) ? err.writeErrors : [err.writeErrors];
  return errors.length > 0 && errors.every((e) => e.code === 11000);
}
