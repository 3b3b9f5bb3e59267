// The CloudEvents type system's checks on canonical values. URI, URI-reference and the calendar rules of
// RFC 3339 come from ajv-formats (already our JSON Schema formats); the rest is too small for a library.
import { fullFormats, type FormatName } from 'ajv-formats/dist/formats.js';

function formatCheck(name: FormatName): (value: string) => boolean {
  const format = fullFormats[name];
  const check = typeof format === 'object' && !(format instanceof RegExp) ? format.validate : format;
  if (check instanceof RegExp) return (value) => check.test(value);
  // typed for number formats too; the ones used here are string formats
  if (typeof check === 'function') return (value) => (check as (v: string) => unknown)(value) === true;
  throw new Error(`ajv-formats has no check for ${name}`);
}

// Control characters, noncharacters (U+FDD0-U+FDEF and the last two code points of every plane) and,
// since the `u` flag reads pairs as one code point, only unpaired surrogates.
const PLANE_ENDS = Array.from({ length: 17 }, (_, p) => `\\u{${p.toString(16)}fffe}\\u{${p.toString(16)}ffff}`);
const DISALLOWED = new RegExp(
  `[\\u0000-\\u001F\\u007F-\\u009F\\uFDD0-\\uFDEF${PLANE_ENDS.join('')}\\uD800-\\uDFFF]`,
  'u',
);

/** Why `value` is not a String of the type system, or null when it is one. */
export function stringProblem(value: string): string | null {
  const bad = DISALLOWED.exec(value);
  if (!bad) return null;
  const code = bad[0].codePointAt(0)?.toString(16).toUpperCase().padStart(4, '0');
  return `has a disallowed character U+${code} at index ${bad.index} (control, noncharacter or lone surrogate)`;
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

export function isInteger(value: number): boolean {
  return Number.isInteger(value) && value >= INT32_MIN && value <= INT32_MAX;
}

/** Absolute URI (RFC 3986 §4.3): a scheme is required. */
export const isUri = formatCheck('uri');

/** URI-reference (RFC 3986 §4.1): absolute or relative. */
export const isUriReference = formatCheck('uri-reference');

const isDate = formatCheck('date');
const isTime = formatCheck('time');
// RFC 3339 §5.6 exactly: ajv-formats alone would also take a space separator and offsets without a colon
const TIMESTAMP = /^(\d{4}-\d{2}-\d{2})[Tt](\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2}))$/;

/** RFC 3339 date-time with real calendar dates, hours, minutes and leap seconds only at 23:59 UTC. */
export function isTimestamp(value: string): boolean {
  const m = TIMESTAMP.exec(value);
  return m !== null && isDate(m[1] ?? '') && isTime(m[2] ?? '');
}

// Canonical padded base64 (RFC 4648 §4); Buffer's decoder would silently skip anything else.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function isBase64(value: string): boolean {
  return BASE64.test(value);
}
