// SQLite failures that pass (another process holding the lock, a full or failing disk) become retryable
// STORE_UNAVAILABLE; everything else is a bug and is left as is.
import { unavailable } from '../errors.js';

const TRANSIENT = /^SQLITE_(BUSY|LOCKED|IOERR|FULL|CANTOPEN|PROTOCOL)/;

function classify(err: unknown): unknown {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && TRANSIENT.test(code) ? unavailable(err) : err;
}

/** Runs `op`, sync or async, with its failure classified. Not an async function: it runs for every write. */
export function guard<T>(op: () => T | Promise<T>): Promise<T> {
  try {
    const value = op();
    return value instanceof Promise ? value.catch((err: unknown) => Promise.reject(classify(err))) : Promise.resolve(value);
  } catch (err) {
    return Promise.reject(classify(err));
  }
}
