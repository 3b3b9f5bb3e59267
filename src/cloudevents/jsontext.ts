// Reading JSON text off the wire: strict UTF-8, bounded nesting, errors as EventError MALFORMED.
import { malformed } from './problems.js';

/** Deepest nesting of objects and arrays in an event, the event object itself counting as 1. */
export const DEFAULT_MAX_DEPTH = 64;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Strict UTF-8 text of `bytes`, or null when they are not UTF-8. */
export function utf8Text(bytes: Uint8Array): string | null {
  try {
    return utf8.decode(bytes);
  } catch {
    return null;
  }
}

/** Parses JSON text; `at` is the JSON pointer errors are reported at. */
export function parseJsonText(body: Uint8Array | string, maxDepth: number, at = ''): unknown {
  const text = typeof body === 'string' ? body : utf8Text(body);
  if (text === null) throw malformed(at, 'JSON text is not valid UTF-8');
  // JSON.parse itself takes any depth, but the recursive walkers after it (stringify, schema validation,
  // JSONata) would overflow the stack; refusing before parsing also spares the allocation.
  if (nestingExceeds(text, maxDepth)) throw malformed(at, `JSON nesting deeper than ${maxDepth} levels`);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw malformed(at, `not JSON: ${(err as Error).message}`, err);
  }
}

// Only meaningful for well-formed text; anything else fails in JSON.parse right after.
function nestingExceeds(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}
