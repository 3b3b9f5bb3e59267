// Turns a syntax tree into a tree of closures once, so evaluating an event walks no syntax, parses
// no pattern and looks up no function.
//
// Error model (spec 3.2-3.3, as the TCK pins it down): an operator or function that raises an error
// itself (a failed cast, a division by zero, a bad SUBSTRING position) still answers with its defined
// fallback; one whose operand raised an error answers with the zero value of its return type. So
// `NOT 10` is true (the failed cast gives false) while `NOT missing` and `true AND (1 != 1/0)` are false.
import type { CloudEvent } from '../../cloudevents/event.js';
import { attributeValue } from '../attributes.js';
import type { ArithmeticOp, Node, OrderOp } from './ast.js';
import { CesqlCompileError, cesqlError, type CesqlError, type CesqlErrorKind, type Span } from './errors.js';
import { paramType, resolveFunction } from './functions.js';
import { compileLike } from './like.js';
import {
  castTo,
  clampInt32,
  INT_MAX,
  INT_MIN,
  show,
  toStringValue,
  typeOf,
  zeroOf,
  type CesqlType,
  type CesqlValue,
} from './values.js';

export interface Context {
  readonly event: Readonly<CloudEvent>;
  readonly errors: CesqlError[];
  readonly failFast: boolean;
}

export interface Evaluator {
  /** The static return type; `undefined` for a bare attribute, whose type depends on the event. */
  readonly type: CesqlType | undefined;
  run(ctx: Context): CesqlValue;
}

/** Thrown through the closures in fail-fast mode; deliberately not an Error (no stack to capture). */
export class FailFast {
  constructor(readonly error: CesqlError) {}
}

/** The zero value an expression answers with when it fails; Boolean when its type is unknown (spec 3.2). */
export function fallbackOf(evaluator: Evaluator): CesqlValue {
  return zeroOf(evaluator.type ?? 'Boolean');
}

export function build(node: Node, source: string): Evaluator {
  switch (node.kind) {
    case 'literal': {
      const value = node.value;
      return { type: typeOf(value), run: () => value };
    }
    case 'attribute': {
      const name = node.name;
      return {
        type: undefined,
        run(ctx) {
          const value = attributeValue(ctx.event, name);
          if (value !== undefined) return value;
          raise(ctx, 'missingAttribute', `the event has no attribute '${name}'`, node);
          return false;
        },
      };
    }
    case 'exists': {
      const name = node.name;
      return { type: 'Boolean', run: (ctx) => attributeValue(ctx.event, name) !== undefined };
    }
    case 'not': {
      const operand = build(node.operand, source);
      return {
        type: 'Boolean',
        run(ctx) {
          const mark = ctx.errors.length;
          const value = operand.run(ctx);
          if (ctx.errors.length > mark) return false;
          return !(implicitCast(ctx, value, 'Boolean', node.operand) as boolean);
        },
      };
    }
    case 'negate': {
      const operand = build(node.operand, source);
      return {
        type: 'Integer',
        run(ctx) {
          const mark = ctx.errors.length;
          const value = operand.run(ctx);
          if (ctx.errors.length > mark) return 0;
          return int32(ctx, -(implicitCast(ctx, value, 'Integer', node.operand) as number), node);
        },
      };
    }
    case 'like': {
      const operand = build(node.operand, source);
      const matches = compileLike(node.pattern);
      const negated = node.negated;
      return {
        type: 'Boolean',
        run(ctx) {
          const mark = ctx.errors.length;
          const value = operand.run(ctx);
          if (ctx.errors.length > mark) return false;
          return matches(toStringValue(value)) !== negated;
        },
      };
    }
    case 'in': {
      const operand = build(node.operand, source);
      const set = node.set.map((item) => build(item, source));
      const negated = node.negated;
      return {
        type: 'Boolean',
        run(ctx) {
          const mark = ctx.errors.length;
          const value = operand.run(ctx);
          const items = set.map((item) => item.run(ctx));
          if (ctx.errors.length > mark) return false;
          // The left operand's type is the one every element is cast to (spec 3.7).
          const type = typeOf(value);
          const found = items.some((item, i) => implicitCast(ctx, item, type, node.set[i]!) === value);
          return found !== negated;
        },
      };
    }
    case 'call':
      return buildCall(node, source);
    case 'binary':
      return buildBinary(node, source);
  }
}

function buildCall(node: Node & { kind: 'call' }, source: string): Evaluator {
  const fn = resolveFunction(node.name, node.args.length);
  if (fn === undefined) {
    const count = `${node.args.length} argument${node.args.length === 1 ? '' : 's'}`;
    throw new CesqlCompileError('missingFunction', `no function ${node.name} takes ${count}`, node, source);
  }
  const args = node.args.map((arg) => build(arg, source));
  const zero = zeroOf(fn.returns);
  return {
    type: fn.returns,
    run(ctx) {
      const mark = ctx.errors.length;
      const values = args.map((arg) => arg.run(ctx));
      if (ctx.errors.length > mark) return zero;
      const cast = values.map((value, i) => {
        const type = paramType(fn, i);
        return type === 'Any' ? value : implicitCast(ctx, value, type, node.args[i]!);
      });
      return fn.call(cast, (kind, message) => raise(ctx, kind, message, node));
    },
  };
}

function buildBinary(node: Node & { kind: 'binary' }, source: string): Evaluator {
  const left = build(node.left, source);
  const right = build(node.right, source);
  const { op } = node;
  const asBoolean = (ctx: Context, value: CesqlValue, at: Node) => implicitCast(ctx, value, 'Boolean', at) as boolean;
  const asInteger = (ctx: Context, value: CesqlValue, at: Node) => implicitCast(ctx, value, 'Integer', at) as number;

  if (op === 'AND' || op === 'OR') {
    // Short-circuit (spec 3.4.2): the right operand runs only when the left one leaves the answer open.
    const decisive = op === 'OR';
    return {
      type: 'Boolean',
      run(ctx) {
        const mark = ctx.errors.length;
        const l = left.run(ctx);
        if (ctx.errors.length > mark) return false;
        if (asBoolean(ctx, l, node.left) === decisive) return decisive;
        const rightMark = ctx.errors.length;
        const r = right.run(ctx);
        if (ctx.errors.length > rightMark) return false;
        return asBoolean(ctx, r, node.right);
      },
    };
  }

  /** Runs both operands; `undefined` when either raised an error. */
  const operands = (ctx: Context): [CesqlValue, CesqlValue] | undefined => {
    const mark = ctx.errors.length;
    const pair: [CesqlValue, CesqlValue] = [left.run(ctx), right.run(ctx)];
    return ctx.errors.length > mark ? undefined : pair;
  };

  switch (op) {
    case 'XOR':
      return {
        type: 'Boolean',
        run(ctx) {
          const pair = operands(ctx);
          return pair !== undefined && asBoolean(ctx, pair[0], node.left) !== asBoolean(ctx, pair[1], node.right);
        },
      };
    case '=':
    case '!=':
    case '<>': {
      const equal = op === '=';
      return {
        type: 'Boolean',
        run(ctx) {
          const pair = operands(ctx);
          if (pair === undefined) return false;
          // `=` exists for every type: the right operand's type picks the overload (spec 3.7).
          const [l, r] = pair;
          return (implicitCast(ctx, l, typeOf(r), node.left) === r) === equal;
        },
      };
    }
    case '<':
    case '<=':
    case '>':
    case '>=': {
      const compare = ORDER[op];
      return {
        type: 'Boolean',
        run(ctx) {
          const pair = operands(ctx);
          return pair !== undefined && compare(asInteger(ctx, pair[0], node.left), asInteger(ctx, pair[1], node.right));
        },
      };
    }
    case '+':
    case '-':
    case '*':
    case '/':
    case '%': {
      const compute = ARITHMETIC[op];
      const divides = op === '/' || op === '%';
      return {
        type: 'Integer',
        run(ctx) {
          const pair = operands(ctx);
          if (pair === undefined) return 0;
          const l = asInteger(ctx, pair[0], node.left);
          const r = asInteger(ctx, pair[1], node.right);
          if (divides && r === 0) {
            raise(ctx, 'math', `${op === '/' ? 'division' : 'modulo'} by zero`, node);
            return 0;
          }
          return int32(ctx, compute(l, r), node);
        },
      };
    }
  }
}

const ORDER: Record<OrderOp, (l: number, r: number) => boolean> = {
  '<': (l, r) => l < r,
  '<=': (l, r) => l <= r,
  '>': (l, r) => l > r,
  '>=': (l, r) => l >= r,
};

/** Results before the range check; `/` truncates toward zero and `%` keeps the dividend's sign. */
const ARITHMETIC: Record<ArithmeticOp, (l: number, r: number) => number> = {
  '+': (l, r) => l + r,
  '-': (l, r) => l - r,
  '*': (l, r) => l * r,
  '/': (l, r) => Math.trunc(l / r),
  '%': (l, r) => l % r,
};

function raise(ctx: Context, kind: CesqlErrorKind, message: string, span: Span): void {
  const error = cesqlError(kind, message, span);
  if (ctx.failFast) throw new FailFast(error);
  ctx.errors.push(error);
}

/** A cast the engine inserts; on failure it raises a CastError and yields the target's zero value. */
function implicitCast(ctx: Context, value: CesqlValue, type: CesqlType, at: Span): CesqlValue {
  const cast = castTo(value, type, true);
  if (cast !== undefined) return cast;
  raise(ctx, 'cast', `cannot cast ${show(value)} to ${type}`, at);
  return zeroOf(type);
}

/** Keeps a result in the Integer range: an overflow is a MathError and clamps. */
function int32(ctx: Context, n: number, at: Span): number {
  if (n >= INT_MIN && n <= INT_MAX) return n | 0; // `| 0` also turns -0 into 0
  raise(ctx, 'math', 'integer overflow', at);
  return clampInt32(n);
}
