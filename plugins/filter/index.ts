// Keeps or drops events: CloudEvents Subscriptions API filter dialects (exact, prefix, suffix, all, any,
// not, sql/CESQL) over attributes, plus conditions on the JSON data located by JSON pointers. An event
// is kept when every filter and every condition holds.
import { isDeepStrictEqual } from 'node:util';
import { ErrorCodes, isGatewayError, pointer, type Violation } from '../../src/errors.js';
import { compileFilters, filterSpecSchema, type EventPredicate, type FilterSpec } from '../../src/filters/mod.js';
import { definePlugin, getAt, hasAt, parsePointer, PluginError } from '../../src/pipeline/mod.js';

/** A test on the value at `path` (a JSON pointer into `data`); several operators must all hold. */
export interface DataCondition {
  path: string;
  equals?: unknown;
  in?: unknown[];
  exists?: boolean;
  gt?: number;
  lt?: number;
  /** regular expression (unicode mode) a string value must match */
  matches?: string;
}

export interface FilterConfig {
  filters?: FilterSpec[];
  data?: DataCondition[];
}

type Test = (data: unknown) => boolean;

function compileCondition(condition: DataCondition, at: string, problems: Violation[]): Test[] {
  let tokens: string[];
  try {
    tokens = parsePointer(condition.path);
  } catch (err) {
    problems.push({ pointer: `${at}/path`, message: (err as Error).message, rule: 'pointer' });
    return [];
  }
  const test = (holds: (value: unknown) => boolean): Test => (data) => holds(getAt(data, tokens));
  const { exists, gt, lt, matches } = condition;
  const tests: Test[] = [];
  if (exists !== undefined) tests.push((data) => hasAt(data, tokens) === exists);
  if ('equals' in condition) tests.push(test((v) => isDeepStrictEqual(v, condition.equals)));
  if (condition.in) {
    const options = condition.in;
    tests.push(test((v) => options.some((o) => isDeepStrictEqual(v, o))));
  }
  if (gt !== undefined) tests.push(test((v) => typeof v === 'number' && v > gt));
  if (lt !== undefined) tests.push(test((v) => typeof v === 'number' && v < lt));
  if (matches !== undefined) {
    try {
      const re = new RegExp(matches, 'u');
      tests.push(test((v) => typeof v === 'string' && re.test(v)));
    } catch (err) {
      problems.push({ pointer: `${at}/matches`, message: (err as Error).message, rule: 'regex' });
    }
  }
  return tests;
}

export default definePlugin<FilterConfig>({
  name: 'filter',
  version: '1.0.0',
  stages: ['filter'],
  configSchema: {
    type: 'object',
    properties: {
      filters: filterSpecSchema,
      data: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            path: { type: 'string', pattern: '^/' },
            equals: true,
            in: { type: 'array', minItems: 1 },
            exists: { type: 'boolean' },
            gt: { type: 'number' },
            lt: { type: 'number' },
            matches: { type: 'string' },
          },
          required: ['path'],
          minProperties: 2,
          additionalProperties: false,
        },
      },
    },
    minProperties: 1,
    additionalProperties: false,
  },
  setup(config) {
    const problems: Violation[] = [];
    let attributes: EventPredicate = () => true;
    try {
      // its violations' pointers start at the `where` given: relative to this config, as the runner expects
      if (config.filters !== undefined) attributes = compileFilters(config.filters, '/filters');
    } catch (err) {
      if (!isGatewayError(err)) throw err;
      problems.push(...err.violations);
    }
    const tests = (config.data ?? []).flatMap((c, i) => compileCondition(c, pointer('data', i), problems));
    if (problems.length > 0) throw new PluginError(ErrorCodes.PLUGIN_CONFIG_INVALID, 'invalid filter', { violations: problems });
    return {
      filter(event) {
        return attributes(event) && tests.every((test) => test(event.data));
      },
    };
  },
});
