// UUIDv7 ids (RFC 9562): 48-bit Unix milliseconds, then a 12-bit counter, then random bits. Hand-written
// because the installed `uuid` (8.x) predates v7. The counter keeps ids made in the same millisecond by this
// process strictly increasing, so cursor pages are stable and match creation order.
import { randomBytes } from 'node:crypto';

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
  const b = randomBytes(16);
  b.writeUIntBE(ms, 0, 6);
  b[6] = 0x70 | (seq >> 8);
  b[7] = seq & 0xff;
  b[8] = 0x80 | (b[8]! & 0x3f);
  const hex = b.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
