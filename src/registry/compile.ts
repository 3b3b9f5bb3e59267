// Turns the files of a schema directory into validators, all at once: the set either loads whole or not at
// all, so a broken `$ref` or a duplicate stops the start instead of failing the first event that needs it.
import { MissingRefError, type Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { createSchemaAjv } from './ajv.js';
import { loadError, type SchemaFile } from './loader.js';
import { toViolations } from './violations.js';

export interface CompiledSchema {
  type: string;
  version: number;
  /** the schema's `$id`, which producers send as `dataschema` */
  dataschema: string;
  file: string;
  title: string;
  description: string;
  schema: Record<string, unknown>;
  /** example data, checked against the schema here */
  example: unknown;
  validate: ValidateFunction;
}

/** Event schemas compiled, shared definitions resolved into them; throws CEG_ERR_SCHEMA_LOAD naming the file. */
export function compileSchemas(files: readonly SchemaFile[]): CompiledSchema[] {
  const ajv = createSchemaAjv();
  const byId = new Map<string, string>();
  const byTypeVersion = new Map<string, string>();
  for (const f of files) {
    const sameId = byId.get(f.id);
    if (sameId !== undefined) throw loadError(f.file, `$id "${f.id}" is already the $id of ${sameId}`);
    byId.set(f.id, f.file);
    if (f.event) {
      const key = `${f.event.type} version ${f.event.version}`;
      const same = byTypeVersion.get(key);
      if (same !== undefined) throw loadError(f.file, `${key} is already defined by ${same}`);
      byTypeVersion.set(key, f.file);
    }
    try {
      ajv.addSchema(f.schema);
    } catch (err) {
      throw loadError(f.file, (err as Error).message, { cause: err });
    }
  }

  // shared definitions first: a broken one is then blamed itself, not the first schema that uses it
  const ordered = [...files.filter((f) => !f.event), ...files.filter((f) => f.event)];
  const compiled: CompiledSchema[] = [];
  for (const f of ordered) {
    const validate = compileFile(ajv, f);
    if (!f.event) continue;
    if (!validate(f.event.example)) {
      const violations = toViolations(validate.errors ?? [], '/examples/0');
      const list = violations.map((v) => `${v.pointer} ${v.message}`).join('; ');
      throw loadError(f.file, `the example does not match the schema: ${list}`, { violations });
    }
    compiled.push({
      type: f.event.type,
      version: f.event.version,
      dataschema: f.id,
      file: f.file,
      title: f.event.title,
      description: f.event.description,
      schema: f.schema,
      example: f.event.example,
      validate,
    });
  }
  return compiled;
}

function compileFile(ajv: Ajv2020, f: SchemaFile): ValidateFunction {
  try {
    // the object added above: ajv finds it in its cache and compiles it once
    return ajv.compile(f.schema);
  } catch (err) {
    const problem =
      err instanceof MissingRefError
        ? `$ref "${err.missingRef}" does not resolve to any schema in the directory`
        : (err as Error).message;
    throw loadError(f.file, problem, { cause: err });
  }
}
