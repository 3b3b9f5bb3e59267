// The built-in functions. Names are upper-case (calls are case-insensitive); overloads differ by
// arity, and a variadic overload takes any number of arguments after its fixed ones. Arguments
// arrive already cast to the declared parameter types ('Any' means no cast), which is what makes
// the `as string` / `as number` reads below safe.
import { castTo, INT_MAX, INT_MIN, show, toStringValue, zeroOf, type CesqlType, type CesqlValue } from './values.js';

export type ParamType = CesqlType | 'Any';

/** Raises an error from inside a function, which still returns its fallback value. */
export type Raise = (kind: 'cast' | 'math' | 'functionEvaluation', message: string) => void;

export interface CesqlFunction {
  readonly params: readonly ParamType[];
  /** type of every argument after the fixed ones; absent for a fixed arity */
  readonly variadic?: CesqlType;
  readonly returns: CesqlType;
  call(args: readonly CesqlValue[], raise: Raise): CesqlValue;
}

/** The overload of `name` (upper-case) that takes `arity` arguments. */
export function resolveFunction(name: string, arity: number): CesqlFunction | undefined {
  const overloads = Object.hasOwn(BUILTINS, name) ? BUILTINS[name]! : [];
  return (
    overloads.find((f) => f.variadic === undefined && f.params.length === arity) ??
    overloads.find((f) => f.variadic !== undefined && f.params.length <= arity)
  );
}

export function paramType(fn: CesqlFunction, index: number): ParamType {
  return fn.params[index] ?? fn.variadic ?? 'Any';
}

/** Characters are code points, not UTF-16 units: lengths and positions count what people see as one. */
const chars = (s: string): string[] => Array.from(s);

/** White_Space as Unicode defines it (String.prototype.trim also strips U+FEFF and keeps U+0085). */
const UNICODE_SPACE_ENDS = /^\p{White_Space}+|\p{White_Space}+$/gu;

const BUILTINS: Record<string, CesqlFunction[]> = {
  ABS: [{ params: ['Integer'], returns: 'Integer', call: abs }],
  LENGTH: [{ params: ['String'], returns: 'Integer', call: ([x]) => chars(x as string).length }],
  CONCAT: [{ params: [], variadic: 'String', returns: 'String', call: (xs) => xs.join('') }],
  CONCAT_WS: [
    { params: ['String'], variadic: 'String', returns: 'String', call: ([sep, ...xs]) => xs.join(sep as string) },
  ],
  LOWER: [{ params: ['String'], returns: 'String', call: ([x]) => (x as string).toLowerCase() }],
  UPPER: [{ params: ['String'], returns: 'String', call: ([x]) => (x as string).toUpperCase() }],
  TRIM: [{ params: ['String'], returns: 'String', call: ([x]) => (x as string).replace(UNICODE_SPACE_ENDS, '') }],
  LEFT: [{ params: ['String', 'Integer'], returns: 'String', call: (args, raise) => take('LEFT', args, raise) }],
  RIGHT: [{ params: ['String', 'Integer'], returns: 'String', call: (args, raise) => take('RIGHT', args, raise) }],
  SUBSTRING: [
    { params: ['String', 'Integer'], returns: 'String', call: substring },
    { params: ['String', 'Integer', 'Integer'], returns: 'String', call: substring },
  ],
  INT: [{ params: ['Any'], returns: 'Integer', call: ([x], raise) => explicitCast(x!, 'Integer', raise) }],
  BOOL: [{ params: ['Any'], returns: 'Boolean', call: ([x], raise) => explicitCast(x!, 'Boolean', raise) }],
  STRING: [{ params: ['Any'], returns: 'String', call: ([x]) => toStringValue(x!) }],
  IS_INT: [{ params: ['String'], returns: 'Boolean', call: ([x]) => castTo(x!, 'Integer', false) !== undefined }],
  IS_BOOL: [{ params: ['String'], returns: 'Boolean', call: ([x]) => castTo(x!, 'Boolean', false) !== undefined }],
};

function abs(args: readonly CesqlValue[], raise: Raise): number {
  const x = args[0] as number;
  if (x !== INT_MIN) return Math.abs(x);
  raise('math', 'ABS(-2147483648) does not fit in a 32-bit integer');
  return INT_MAX;
}

/** INT and BOOL: a failed cast is a CastError and answers the zero value. */
function explicitCast(x: CesqlValue, type: CesqlType, raise: Raise): CesqlValue {
  const cast = castTo(x, type, false);
  if (cast !== undefined) return cast;
  raise('cast', `cannot cast ${show(x)} to ${type}`);
  return zeroOf(type);
}

function take(fn: 'LEFT' | 'RIGHT', args: readonly CesqlValue[], raise: Raise): string {
  const [x, n] = args as [string, number];
  if (n < 0) {
    raise('functionEvaluation', `${fn} needs a length of 0 or more, got ${n}`);
    return x;
  }
  const cs = chars(x);
  if (cs.length <= n) return x;
  return (fn === 'LEFT' ? cs.slice(0, n) : cs.slice(cs.length - n)).join('');
}

/** SUBSTRING(x, pos[, len]): `pos` counts from 1, or from the end when negative; 0 selects nothing. */
function substring(args: readonly CesqlValue[], raise: Raise): string {
  const [x, pos, len] = args as [string, number, number?];
  const cs = chars(x);
  if (pos > cs.length || pos < -cs.length) {
    raise('functionEvaluation', `SUBSTRING position ${pos} is outside a string of length ${cs.length}`);
    return '';
  }
  if (len !== undefined && len < 0) {
    raise('functionEvaluation', `SUBSTRING needs a length of 0 or more, got ${len}`);
    return '';
  }
  if (pos === 0) return '';
  const begin = pos > 0 ? pos - 1 : cs.length + pos;
  return cs.slice(begin, len === undefined ? undefined : begin + len).join('');
}
