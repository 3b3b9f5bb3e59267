// A compiled CESQL expression: parsed and checked once, then evaluated against any number of events.
import type { CloudEvent } from '../../cloudevents/event.js';
import type { CesqlError } from './errors.js';
import { build, fallbackOf, FailFast, type Context, type Evaluator } from './evaluator.js';
import { parse } from './parser.js';
import type { CesqlValue } from './values.js';

export interface CesqlOptions {
  /**
   * Stop at the first error and answer with the zero value of the expression's type (spec 4.1).
   * Default false: evaluate everything and report every error with the value.
   */
  failFast?: boolean;
}

export interface CesqlResult {
  value: CesqlValue;
  /** empty when the evaluation raised no error */
  errors: CesqlError[];
}

export interface CesqlExpression {
  readonly source: string;
  evaluate(event: Readonly<CloudEvent>): CesqlResult;
  /**
   * The filter answer (Subscriptions API `sql` dialect): true only when the value is the Boolean
   * `true` and no error was raised. Always runs fail-fast, since any error already means false.
   */
  matches(event: Readonly<CloudEvent>): boolean;
}

/** Compiles an expression; throws CesqlCompileError on a syntax error or a call to an unknown function. */
export function compileCesql(source: string, opts: CesqlOptions = {}): CesqlExpression {
  const root = build(parse(source), source);
  const failFast = opts.failFast ?? false;
  return {
    source,
    evaluate: (event) => run(root, event, failFast),
    matches(event) {
      const { value, errors } = run(root, event, true);
      return value === true && errors.length === 0;
    },
  };
}

function run(root: Evaluator, event: Readonly<CloudEvent>, failFast: boolean): CesqlResult {
  const ctx: Context = { event, errors: [], failFast };
  try {
    return { value: root.run(ctx), errors: ctx.errors };
  } catch (err) {
    if (err instanceof FailFast) return { value: fallbackOf(root), errors: [err.error] };
    throw err;
  }
}
