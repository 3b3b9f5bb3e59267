// SQLite failures that pass (another process holding the lock, a full or failing disk) become retryable
// STORE_UNAVAILABLE; everything else is a bug and is left as is.
import { unavailable } from '../errors.js';

const TRANSIENT = /^SQLITE_(BUSY|LOCKED|IOERR|FULL|CANTOPEN|PROTOCOL)/;

export async function guard<T>(op: () => T | Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    throw typeof code === 'string' && TRANSIENT.test(code) ? unavailable(err) : err;
  }
}
