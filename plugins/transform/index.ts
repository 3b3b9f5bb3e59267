// Reshapes events: JSONata expressions (compiled once, evaluated over the whole input event) compute a
// new `data` and new attribute values; then `set`, `rename` and `remove` edit attributes and data paths
// given as JSON pointers into the event (`/subject`, `/data/customer/email`). Outputs a new event.
import jsonata from 'jsonata';
import type { CloudEvent } from '../../src/cloudevents/event.js';
import { ErrorCodes, pointer, type Violation } from '../../src/errors.js';
import {
  definePlugin,
  getAt,
  hasAt,
  parsePointer,
  PluginError,
  removeAt,
  setAt,
  UnrecoverableError,
} from '../../src/pipeline/mod.js';

export interface TransformConfig {
  /** JSONata over the event; its result becomes `data` (undefined removes it) */
  data?: string;
  /** attribute name -> JSONata over the event; an undefined result removes the attribute */
  attributes?: Record<string, string>;
  /** JSON pointer into the event -> value */
  set?: Record<string, unknown>;
  /** JSON pointer -> JSON pointer to move the value to */
  rename?: Record<string, string>;
  /** JSON pointers to delete */
  remove?: string[];
}

const REQUIRED = new Set(['specversion', 'id', 'source', 'type']);
const ATTRIBUTE_NAME = /^[a-z0-9]+$/;

type Tokens = string[];

/** Every config problem, so that one error lists them all, each with its pointer. */
type Problems = Violation[];

function compileExpression(source: string, at: string, problems: Problems): jsonata.Expression | undefined {
  try {
    return jsonata(source);
  } catch (err) {
    const { message, position } = err as { message: string; position?: number };
    const where = position === undefined ? '' : ` (at character ${position})`;
    problems.push({ pointer: at, message: `JSONata: ${message}${where}`, rule: 'jsonata' });
    return undefined;
  }
}

/** Why a path would make the event no CloudEvent, or undefined when it is fine. */
function pathProblem(tokens: Tokens, use: 'write' | 'remove'): string | undefined {
  const [head] = tokens;
  if (head === undefined) return 'the whole event cannot be replaced; point into it';
  if (head !== 'data' && !ATTRIBUTE_NAME.test(head)) return `"${head}" is no attribute name (a-z, 0-9)`;
  if (head === 'specversion') return 'specversion cannot change';
  if (use === 'remove' && REQUIRED.has(head) && tokens.length === 1) return `${head} is required and cannot be removed`;
  if (head !== 'data' && tokens.length > 1) return 'attributes are scalars; only /data has a path below it';
  return undefined;
}

function compilePath(path: string, at: string, problems: Problems, use: 'write' | 'remove'): Tokens | undefined {
  let tokens: Tokens;
  try {
    tokens = parsePointer(path);
  } catch (err) {
    problems.push({ pointer: at, message: (err as Error).message, rule: 'pointer' });
    return undefined;
  }
  const problem = pathProblem(tokens, use);
  if (problem === undefined) return tokens;
  problems.push({ pointer: at, message: problem, rule: 'path' });
  return undefined;
}

function isAttributeValue(value: unknown): boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

/** A computed attribute value, or an unrecoverable error when it cannot be one. */
function checkAttribute(name: string, value: unknown): unknown {
  if (value === undefined ? REQUIRED.has(name) : !isAttributeValue(value)) {
    const got = value === undefined ? 'nothing' : value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
    throw new UnrecoverableError(`transform: attribute ${name} must be a string, number or boolean, got ${got}`);
  }
  return value;
}

function apply(event: Record<string, unknown>, tokens: Tokens, value: unknown): Record<string, unknown> {
  return (value === undefined ? removeAt(event, tokens) : setAt(event, tokens, value)) as Record<string, unknown>;
}

export default definePlugin<TransformConfig>({
  name: 'transform',
  version: '1.0.0',
  stages: ['transform'],
  configSchema: {
    type: 'object',
    properties: {
      data: { type: 'string', minLength: 1 },
      attributes: {
        type: 'object',
        propertyNames: { pattern: '^[a-z0-9]+$', not: { enum: ['data', 'specversion'] } },
        additionalProperties: { type: 'string', minLength: 1 },
      },
      set: { type: 'object' },
      rename: { type: 'object', additionalProperties: { type: 'string' } },
      remove: { type: 'array', items: { type: 'string' } },
    },
    minProperties: 1,
    additionalProperties: false,
  },
  setup(config) {
    const problems: Problems = [];
    const dataExpr = config.data === undefined ? undefined : compileExpression(config.data, '/data', problems);
    const attributes = Object.entries(config.attributes ?? {}).flatMap(([name, source]) => {
      const at = pointer('attributes', name);
      const tokens = compilePath(`/${name}`, at, problems, 'write');
      const expr = compileExpression(source, at, problems);
      return tokens && expr ? [{ name, tokens, expr }] : [];
    });
    const sets = Object.entries(config.set ?? {}).flatMap(([path, value]) => {
      const at = pointer('set', path);
      const tokens = compilePath(path, at, problems, 'write');
      if (tokens?.length === 1 && !isAttributeValue(value)) {
        problems.push({ pointer: at, message: 'attribute values are strings, numbers or booleans', rule: 'type' });
      }
      return tokens ? [{ tokens, value }] : [];
    });
    const renames = Object.entries(config.rename ?? {}).flatMap(([from, to]) => {
      const at = pointer('rename', from);
      const source = compilePath(from, at, problems, 'remove');
      const target = compilePath(to, at, problems, 'write');
      return source && target ? [{ source, target }] : [];
    });
    const removals = (config.remove ?? []).flatMap((path, i) => {
      const tokens = compilePath(path, pointer('remove', i), problems, 'remove');
      return tokens ? [tokens] : [];
    });
    if (problems.length > 0) {
      throw new PluginError(ErrorCodes.PLUGIN_CONFIG_INVALID, 'invalid transform', { violations: problems });
    }

    async function evaluate(expr: jsonata.Expression, event: Readonly<CloudEvent>, what: string): Promise<unknown> {
      try {
        return await expr.evaluate(event);
      } catch (err) {
        // JSONata errors are deterministic for a given event: retrying cannot help
        throw new UnrecoverableError(`transform ${what}: JSONata ${(err as { message?: string }).message ?? String(err)}`);
      }
    }

    return {
      async transform(input) {
        let event = input as Record<string, unknown>;
        if (dataExpr) event = apply(event, ['data'], await evaluate(dataExpr, input, 'data'));
        for (const { name, tokens, expr } of attributes) {
          const value = await evaluate(expr, input, `attribute ${name}`);
          event = apply(event, tokens, checkAttribute(name, value));
        }
        for (const { tokens, value } of sets) event = setAt(event, tokens, value) as Record<string, unknown>;
        for (const { source, target } of renames) {
          if (!hasAt(event, source)) continue;
          const value = getAt(event, source);
          if (target.length === 1) checkAttribute(target[0] as string, value);
          event = setAt(removeAt(event, source), target, value) as Record<string, unknown>;
        }
        for (const tokens of removals) event = removeAt(event, tokens) as Record<string, unknown>;
        return event as CloudEvent;
      },
    };
  },
});
