// The filter dialects of the CloudEvents Subscriptions API (3.2.4): exact, prefix, suffix, all, any,
// not and sql. A filters array is checked and compiled in one walk into a single predicate; every
// problem found is reported at once, each with a JSON pointer to the filter at fault.
//
// Checked by hand rather than with ajv and `filterSpecSchema`: ajv cannot compile the CESQL, and a
// walk reports one precise violation per problem where ajv would report every dialect it tried.
import type { CloudEvent } from '../cloudevents/event.js';
import { ErrorCodes, GatewayError, pointer, type Violation } from '../errors.js';
import { attributeString } from './attributes.js';
import { CesqlCompileError, compileCesql } from './cesql/mod.js';

export type AttributeFilter = Record<string, string>;

export type FilterSpec =
  | { exact: AttributeFilter }
  | { prefix: AttributeFilter }
  | { suffix: AttributeFilter }
  | { all: FilterSpec[] }
  | { any: FilterSpec[] }
  | { not: FilterSpec }
  | { sql: string };

export type EventPredicate = (event: Readonly<CloudEvent>) => boolean;

const DIALECTS = ['exact', 'prefix', 'suffix', 'all', 'any', 'not', 'sql'];

// Compiling and matching recurse once per `all`/`any`/`not` level and filters come from tenants'
// request bodies: a bound keeps any body from exhausting the stack. Real filters nest a few levels.
export const MAX_FILTER_DEPTH = 64;

/** Attribute names per the CloudEvents naming convention. */
export const ATTRIBUTE_NAME = /^[a-z0-9]+$/;

/**
 * Compiles a filters array (parsed JSON, checked here) into one predicate that holds when every filter
 * does; an empty array lets every event through. `where` is the JSON pointer of the array in its
 * document, the prefix of every violation's pointer. Throws GatewayError CEG_ERR_FILTER_INVALID.
 */
export function compileFilters(filters: unknown, where = '/filters'): EventPredicate {
  const violations: Violation[] = [];
  const predicate = Array.isArray(filters)
    ? allOf(filters.map((filter, i) => compileFilter(filter, where + pointer(i), violations, 1)))
    : invalid(violations, where, 'filters are an array of filter objects', 'type');
  const [first] = violations;
  if (first !== undefined) {
    const more = violations.length > 1 ? ` (and ${violations.length - 1} more)` : '';
    const message = `invalid filter at ${first.pointer}: ${first.message}${more}`;
    throw new GatewayError(ErrorCodes.FILTER_INVALID, message, { violations });
  }
  return predicate;
}

function compileFilter(filter: unknown, at: string, violations: Violation[], depth: number): EventPredicate {
  if (depth > MAX_FILTER_DEPTH) {
    return invalid(violations, at, `filters nest deeper than ${MAX_FILTER_DEPTH} levels`, 'maxDepth');
  }
  if (!isObject(filter)) return invalid(violations, at, 'a filter is an object with one dialect key', 'type');
  const keys = Object.keys(filter);
  if (keys.length !== 1) {
    const rule = keys.length === 0 ? 'minProperties' : 'maxProperties';
    return invalid(violations, at, `a filter has exactly one dialect key, found ${keys.length}`, rule);
  }
  const dialect = keys[0]!;
  const value = filter[dialect];
  const inner = at + pointer(dialect);
  switch (dialect) {
    case 'exact':
      return compileAttributeFilter(value, inner, violations, (actual, wanted) => actual === wanted);
    case 'prefix':
      return compileAttributeFilter(value, inner, violations, (actual, wanted) => actual.startsWith(wanted));
    case 'suffix':
      return compileAttributeFilter(value, inner, violations, (actual, wanted) => actual.endsWith(wanted));
    case 'all':
      return allOf(compileNested(value, inner, violations, depth));
    case 'any': {
      const preds = compileNested(value, inner, violations, depth);
      return (event) => preds.some((p) => p(event));
    }
    case 'not': {
      const pred = compileFilter(value, inner, violations, depth + 1);
      return (event) => !pred(event);
    }
    case 'sql':
      return compileSql(value, inner, violations);
    default: {
      const message = `unknown filter dialect '${dialect}' (supported: ${DIALECTS.join(', ')})`;
      return invalid(violations, inner, message, 'additionalProperties');
    }
  }
}

function compileAttributeFilter(
  value: unknown,
  at: string,
  violations: Violation[],
  test: (actual: string, wanted: string) => boolean,
): EventPredicate {
  if (!isObject(value) || Object.keys(value).length === 0) {
    return invalid(violations, at, 'expected an object of one or more attribute names to string values', 'type');
  }
  const entries: Array<[string, string]> = [];
  for (const [name, wanted] of Object.entries(value)) {
    if (!ATTRIBUTE_NAME.test(name)) {
      const message = `'${name}' is not an attribute name (lower-case letters and digits)`;
      report(violations, at + pointer(name), message, 'propertyNames');
    } else if (typeof wanted !== 'string' || wanted === '') {
      report(violations, at + pointer(name), 'expected a non-empty string', 'minLength');
    } else {
      entries.push([name, wanted]);
    }
  }
  return (event) =>
    entries.every(([name, wanted]) => {
      const actual = attributeString(event, name);
      return actual !== undefined && test(actual, wanted);
    });
}

function compileNested(value: unknown, at: string, violations: Violation[], depth: number): EventPredicate[] {
  if (!Array.isArray(value) || value.length === 0) {
    report(violations, at, 'expected an array of one or more filters', 'minItems');
    return [];
  }
  return value.map((filter, i) => compileFilter(filter, at + pointer(i), violations, depth + 1));
}

function compileSql(value: unknown, at: string, violations: Violation[]): EventPredicate {
  if (typeof value !== 'string' || value === '') {
    return invalid(violations, at, 'expected a CESQL expression', 'minLength');
  }
  try {
    const expression = compileCesql(value);
    return (event) => expression.matches(event);
  } catch (err) {
    if (!(err instanceof CesqlCompileError)) throw err;
    return invalid(violations, at, `CESQL: ${err.message}`, `cesql.${err.kind}`);
  }
}

function allOf(preds: EventPredicate[]): EventPredicate {
  return (event) => preds.every((p) => p(event));
}

function report(violations: Violation[], at: string, message: string, rule: string): void {
  violations.push({ pointer: at, message, rule });
}

/** Reports a violation; the predicate returned stands in for the broken filter and is never run. */
function invalid(violations: Violation[], at: string, message: string, rule: string): EventPredicate {
  report(violations, at, message, rule);
  return () => false;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
