// UUIDv7 ids (RFC 9562): 48-bit Unix milliseconds, then a 12-bit counter, then random bits. Hand-written
// because the installed `uuid` (8.x) predates v7. The counter keeps ids made in the same millisecond by this
// process strictly increasing, so cursor pages are stable and match creation order.
import { randomUUID } from 'node:crypto';

let lastMs = 0;
let seq = 0;

export function newId(now: number = Date.now()): string {
  // a clock that steps back must not break monotonicity
  let ms = Math.max(now, lastMs);
  if (ms === lastMs) {
    seq++;
    if (seq > 0xfff) {
      ms++;
      seq = 0;
    }
  } else {
    seq = 0;
  }
  lastMs = ms;
  // the random tail comes from a v4 UUID, which Node draws from a pooled buffer (one randomBytes call per id
  // cost more than the rest of the id); its fourth group already carries the RFC variant bits
  const random = randomUUID();
  const time = ms.toString(16).padStart(12, '0');
  return `${time.slice(0, 8)}-${time.slice(8)}-7${seq.toString(16).padStart(3, '0')}-${random.slice(19)}`;
}
