// Plugin config validation: each plugin's configSchema is compiled once (per definition, whatever the
// number of routes and subscriptions using it) and every problem is reported as a violation whose
// pointer leads from the document root (gateway.yaml, a subscription) to the offending config value.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { ConfigError, ErrorCodes, type Violation } from '../errors.js';
import { describeOwner } from './owner.js';
import type { PipelineOwner, PluginDefinition } from './types.js';

// ajv-formats is CommonJS with a `default` property; under NodeNext its default import is the module object.
const addFormats = addFormatsModule.default;

/** Where a step's config sits: its owner and the JSON pointer of the `config` value in the owner's document. */
export interface ConfigLocation {
  owner: PipelineOwner;
  pointer: string;
}

// `useDefaults` fills schema defaults into the (cloned) config so plugins see complete objects.
const options = { allErrors: true, useDefaults: true } as const;
const validators = new WeakMap<object, ValidateFunction>();

function validatorFor(def: PluginDefinition<unknown>): ValidateFunction {
  const schema = def.configSchema;
  let validate = validators.get(schema);
  if (validate) return validate;
  // Schemas declaring draft-07 get the draft-07 validator; everything else is read as 2020-12. Each
  // plugin gets its own ajv so that two plugins embedding one shared schema (same `$id`) never collide.
  const draft = (schema as { $schema?: unknown }).$schema;
  const ajv = addFormats(typeof draft === 'string' && draft.includes('draft-07') ? new Ajv(options) : new Ajv2020(options));
  try {
    validate = ajv.compile(schema);
  } catch (err) {
    throw new ConfigError(
      ErrorCodes.PLUGIN_CONFIG_INVALID,
      `plugin "${def.name}" ${def.version} ships a config schema that does not compile: ${(err as Error).message}`,
      { cause: err },
    );
  }
  validators.set(schema, validate);
  return validate;
}

function toViolation(base: string, e: ErrorObject): Violation {
  // `required` and `additionalProperties` report the parent object; point at the property itself.
  const prop = (e.params as { missingProperty?: string; additionalProperty?: string }).missingProperty ??
    (e.params as { additionalProperty?: string }).additionalProperty;
  const path = prop === undefined ? e.instancePath : `${e.instancePath}/${prop.replace(/~/g, '~0').replace(/\//g, '~1')}`;
  return { pointer: base + path, message: e.message ?? e.keyword, rule: e.keyword };
}

/**
 * Validates a step's config against its plugin's schema and returns a clone with schema defaults filled
 * in (the caller's object is left alone). A missing config counts as `{}`.
 */
export function validatePluginConfig<Config>(
  def: PluginDefinition<Config>,
  config: unknown,
  at: ConfigLocation,
): Config {
  const validate = validatorFor(def as PluginDefinition<unknown>);
  const candidate = structuredClone(config ?? {});
  if (validate(candidate)) return candidate as Config;
  const violations = (validate.errors ?? []).map((e) => toViolation(at.pointer, e));
  throw new ConfigError(
    ErrorCodes.PLUGIN_CONFIG_INVALID,
    `${describeOwner(at.owner)}: config of plugin "${def.name}" is invalid: ` +
      violations.map((v) => `${v.pointer} ${v.message}`).join('; '),
    { violations },
  );
}
