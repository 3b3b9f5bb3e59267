// The one ajv setup for event data schemas: draft 2020-12, every error reported (violations list all of
// them), strict so that a typo'd keyword fails at load instead of silently validating nothing, and our two
// annotation keywords, whose metaSchemas make ajv check their values when a schema compiles.
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS with a `default` property; under NodeNext its default import is the module object.
const addFormats = addFormatsModule.default;

/** Annotation naming the CloudEvent `type` a schema is for. */
export const TYPE_KEYWORD = 'x-cloudevent-type';
/** Annotation carrying the schema's version for that type; bumped on breaking changes only. */
export const VERSION_KEYWORD = 'x-version';

// no wildcards: a schema is for one concrete type, patterns belong to routes and policies
export const TYPE_VALUE = { type: 'string', pattern: '^[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*$' };
export const VERSION_VALUE = { type: 'integer', minimum: 1 };

export function createSchemaAjv(): Ajv2020 {
  // strictRequired would refuse `required` in if/then branches, the idiomatic conditional requirement; a
  // typo'd required name still fails the load wherever the schema's example (checked at load) reaches it
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false });
  addFormats(ajv);
  ajv.addVocabulary([
    { keyword: TYPE_KEYWORD, metaSchema: TYPE_VALUE },
    { keyword: VERSION_KEYWORD, metaSchema: VERSION_VALUE },
  ]);
  return ajv;
}
