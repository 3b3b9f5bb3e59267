// ajv errors as violations pointing into the event. ajv locates `required`, `additionalProperties` and
// `dependentRequired` errors at the parent object; we point at the offending member instead, because that is
// where a producer has to look.
import type { ErrorObject } from 'ajv';
import { pointer, type Violation } from '../errors.js';

const MAX_LISTED = 12;

/** One violation per ajv error, each pointer prefixed with `base` (the member the validated value sits in). */
export function toViolations(errors: readonly ErrorObject[], base: string): Violation[] {
  return errors.map((e) => {
    const at = base + e.instancePath;
    const p = e.params as Record<string, unknown>;
    switch (e.keyword) {
      case 'required':
        return { pointer: at + pointer(String(p['missingProperty'])), message: 'is required', rule: e.keyword };
      case 'dependentRequired':
        return {
          pointer: at + pointer(String(p['missingProperty'])),
          message: `is required when "${String(p['property'])}" is present`,
          rule: e.keyword,
        };
      case 'additionalProperties':
      case 'unevaluatedProperties': {
        const extra = String(p['additionalProperty'] ?? p['unevaluatedProperty']);
        return { pointer: at + pointer(extra), message: 'is not allowed here', rule: e.keyword };
      }
      case 'enum': {
        const allowed = p['allowedValues'] as unknown[];
        // long lists (currencies) would drown the message; the schema has them
        const message =
          allowed.length <= MAX_LISTED
            ? `must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}`
            : `must be one of the ${allowed.length} values the schema allows`;
        return { pointer: at, message, rule: e.keyword };
      }
      default:
        return { pointer: at, message: e.message ?? `fails "${e.keyword}"`, rule: e.keyword };
    }
  });
}
