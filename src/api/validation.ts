// Request validation with ajv: every body and query the /v1 API accepts is described by one JSON Schema
// (src/api/schemas.ts), compiled once here and published unchanged in /v1/openapi.json. Draft 2020-12 is
// the dialect OpenAPI 3.1 speaks, so the same objects serve both.
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { ApiError, ErrorCodes } from '../errors.js';
import { filterSpecSchema } from '../filters/mod.js';
import { toViolations } from '../registry/violations.js';

// ajv-formats is CommonJS with a `default` property; under NodeNext its default import is the module object.
const addFormats = addFormatsModule.default;

/** A named JSON Schema that, once checked, vouches for values of type T. */
export interface Schema<T> {
  readonly name: string;
  readonly json: object;
  /** phantom: carries T for inference only */
  readonly __type?: T;
}

export function schema<T>(name: string, json: object): Schema<T> {
  return { name, json };
}

// The filters schema is registered on its own and referenced by `$id`, so subscription schemas and the
// OpenAPI document share one copy of it.
export const FILTERS_REF = filterSpecSchema.$id;

const ajv = addFormats(new Ajv2020({ allErrors: true, strict: true }));
ajv.addSchema(filterSpecSchema);
const compiled = new WeakMap<object, ValidateFunction>();

/**
 * The value as T when the schema accepts it; else an ApiError 400 listing every violation with its JSON
 * pointer into the value (a query parameter is located as `/name`). `what` names the value in the message.
 */
export function check<T>(s: Schema<T>, value: unknown, what: string): T {
  let validate = compiled.get(s.json);
  if (!validate) {
    validate = ajv.compile(s.json);
    compiled.set(s.json, validate);
  }
  if (validate(value)) return value as T;
  const violations = toViolations(validate.errors ?? [], '');
  const first = violations[0];
  const more = violations.length > 1 ? ` (and ${violations.length - 1} more)` : '';
  throw new ApiError(400, ErrorCodes.API_BAD_REQUEST, `invalid ${what}: ${first?.pointer || '/'} ${first?.message}${more}`, {
    violations,
  });
}
