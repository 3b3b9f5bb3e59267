// UUIDv7 ids (RFC 9562): 48-bit Unix milliseconds, then a 12-bit counter, then random bits. Hand-written
// because the installed `uuid` (8.x) predates v7. The counter keeps ids made in the same millisecond by this
// process strictly increasing, so cursor pages are stable and match creation order.
import { randomFillSync } from 'node:crypto';

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
// random bytes are drawn for 512 ids at a time: one draw per id cost more than the rest of the id (two ids
// are made per delivery)
const pool = Buffer.alloc(8 * 512);
let used = pool.length;

let lastMs = 0;
let seq = 0;
/** `tttttttt-tttt-7` of lastMs */
let prefix = '';

/** The least id made at `ms`: every id made before `ms` sorts below it. */
export function idFloor(ms: number): string {
  const time = ms.toString(16).padStart(12, '0');
  return `${time.slice(0, 8)}-${time.slice(8)}-7000-8000-000000000000`;
}

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
  if (ms !== lastMs || prefix === '') {
    const time = ms.toString(16).padStart(12, '0');
    prefix = `${time.slice(0, 8)}-${time.slice(8)}-7`;
  }
  lastMs = ms;
  if (used === pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  const r = used;
  used += 8;
  // the fourth group starts with the RFC variant bits 10
  return (
    prefix + HEX[seq >> 8]![1] + HEX[seq & 0xff] + '-' + HEX[(pool[r]! & 0x3f) | 0x80] + HEX[pool[r + 1]!] + '-' +
    HEX[pool[r + 2]!] + HEX[pool[r + 3]!] + HEX[pool[r + 4]!] + HEX[pool[r + 5]!] + HEX[pool[r + 6]!] + HEX[pool[r + 7]!]
  );
}
