// Plugins get frozen inputs so that a plugin mutating what it was handed fails loudly on its own event
// instead of corrupting the next step's (or the next subscription's) view of it.

/**
 * Freezes objects and arrays recursively, in place. Typed arrays cannot be frozen and are left as they
 * are; an object that is already frozen is taken as frozen all the way down (we froze it earlier).
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value) || Object.isFrozen(value)) {
    return value;
  }
  Object.freeze(value);
  for (const child of Object.values(value)) deepFreeze(child);
  return value;
}
