// CESQL's three primitive types, mapped onto JavaScript values: Boolean -> boolean, Integer -> number
// (always a 32-bit signed integer), String -> string. Casts return `undefined` when they fail so the
// caller, which knows where in the expression it stands, raises the CastError.

export type CesqlValue = boolean | number | string;
export type CesqlType = 'Boolean' | 'Integer' | 'String';

export const INT_MIN = -2_147_483_648;
export const INT_MAX = 2_147_483_647;

export function typeOf(value: CesqlValue): CesqlType {
  return typeof value === 'boolean' ? 'Boolean' : typeof value === 'number' ? 'Integer' : 'String';
}

export function zeroOf(type: CesqlType): CesqlValue {
  return type === 'Boolean' ? false : type === 'Integer' ? 0 : '';
}

export function isInt32(n: number): boolean {
  return Number.isInteger(n) && n >= INT_MIN && n <= INT_MAX;
}

/** Clamps an out-of-range result into the Integer range (the spec's ABS overflow answer, used for every overflow). */
export function clampInt32(n: number): number {
  return n > INT_MAX ? INT_MAX : n < INT_MIN ? INT_MIN : n;
}

const DECIMAL = /^[+-]?[0-9]+$/;

function toInteger(value: CesqlValue): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (!DECIMAL.test(value)) return undefined;
  const n = Number(value);
  // `| 0` turns -0 ("-0") into 0
  return isInt32(n) ? n | 0 : undefined;
}

/**
 * `implicit` marks a cast the engine inserts on its own. The TCK keeps Integer -> Boolean out of those
 * (`NOT 10` is a CastError) while the explicit `BOOL(10)` is true, so only explicit casts convert it.
 */
function toBoolean(value: CesqlValue, implicit: boolean): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return implicit ? undefined : value !== 0;
  const lower = value.toLowerCase();
  return lower === 'true' ? true : lower === 'false' ? false : undefined;
}

export function toStringValue(value: CesqlValue): string {
  return typeof value === 'string' ? value : String(value);
}

/** Casts to `type`; `undefined` when the value cannot be represented. */
export function castTo(value: CesqlValue, type: CesqlType, implicit: boolean): CesqlValue | undefined {
  switch (type) {
    case 'Boolean':
      return toBoolean(value, implicit);
    case 'Integer':
      return toInteger(value);
    case 'String':
      return toStringValue(value);
  }
}

/** How a value is quoted in error messages. */
export function show(value: CesqlValue): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}
