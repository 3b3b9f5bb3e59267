// Signing secrets over a subscription's life: one at creation; on rotation a new one leads and those
// still valid keep signing beside it until the grace period ends, so receivers can switch without
// dropping a delivery. Expired ones are pruned whenever the list is rewritten.
import { generateSecret } from '../signing/mod.js';
import { newId } from '../store/mod.js';
import type { SubscriptionSecret } from '../store/types.js';

export function newSecret(now: Date): SubscriptionSecret {
  return { id: newId(now.getTime()), secret: generateSecret(), createdAt: now };
}

/** The secrets after a rotation, newest first; `graceMs` 0 retires the old ones at once. */
export function rotateSecrets(current: SubscriptionSecret[], now: Date, graceMs: number): SubscriptionSecret[] {
  const graceEnd = new Date(now.getTime() + graceMs);
  const kept = current
    .map((s) => ({ ...s, expiresAt: s.expiresAt && s.expiresAt < graceEnd ? s.expiresAt : graceEnd }))
    .filter((s) => s.expiresAt > now);
  return [newSecret(now), ...kept];
}
