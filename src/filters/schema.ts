// JSON Schema of a filters array, for ajv to check API bodies and plugin configs. It mirrors what
// compileFilters accepts, except that it cannot tell whether a `sql` expression compiles.
// The `$id` lets the recursive `$ref`s resolve when the schema is embedded in a larger one; within
// one ajv instance, either embed it or compile it on its own, since ajv registers the id either way.
import { ATTRIBUTE_NAME } from './dialects.js';

const attributeFilter = {
  type: 'object',
  minProperties: 1,
  propertyNames: { pattern: ATTRIBUTE_NAME.source },
  additionalProperties: { type: 'string', minLength: 1 },
} as const;

const nested = { type: 'array', minItems: 1, items: { $ref: '#/$defs/filter' } } as const;

export const filterSpecSchema = {
  $id: 'urn:cloudevents-gateway:schema:filters',
  type: 'array',
  items: { $ref: '#/$defs/filter' },
  $defs: {
    filter: {
      description: 'one filter: an object with exactly one dialect key',
      type: 'object',
      minProperties: 1,
      maxProperties: 1,
      additionalProperties: false,
      properties: {
        exact: attributeFilter,
        prefix: attributeFilter,
        suffix: attributeFilter,
        all: nested,
        any: nested,
        not: { $ref: '#/$defs/filter' },
        sql: { type: 'string', minLength: 1 },
      },
    },
  },
} as const;
