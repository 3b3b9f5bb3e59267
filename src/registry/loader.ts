// Reads a schema directory: every *.json below it, parsed and checked for what the registry needs beyond
// JSON Schema itself (an `$id` everywhere; type, version, title, description and an example on event
// schemas). Files without the type annotation are shared definitions, reachable only through `$ref`.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCodes, GatewayError, type GatewayErrorOptions } from '../errors.js';
import { createSchemaAjv, TYPE_KEYWORD, TYPE_VALUE, VERSION_KEYWORD, VERSION_VALUE } from './ajv.js';
import { toViolations } from './violations.js';

export interface SchemaFile {
  /** the path as given to `load` joined with the file's place under it; names the file in errors */
  file: string;
  id: string;
  schema: Record<string, unknown>;
  /** set on event schemas, absent on shared definitions */
  event?: { type: string; version: number; title: string; description: string; example: unknown };
}

// The registry's own demands on a schema document, as a schema; ajv checks the JSON Schema part later.
const DOCUMENT_SHAPE = {
  type: 'object',
  required: ['$id'],
  properties: {
    $id: { type: 'string', format: 'uri' },
    [TYPE_KEYWORD]: TYPE_VALUE,
    [VERSION_KEYWORD]: VERSION_VALUE,
    title: { type: 'string', minLength: 1 },
    description: { type: 'string', minLength: 1 },
    examples: { type: 'array', minItems: 1 },
  },
  dependentRequired: { [TYPE_KEYWORD]: [VERSION_KEYWORD, 'title', 'description', 'examples'] },
};
const checkShape = createSchemaAjv().compile(DOCUMENT_SHAPE);

/** A schema set that cannot be used; the message starts with the file at fault. */
export function loadError(file: string, problem: string, opts: GatewayErrorOptions = {}): GatewayError {
  return new GatewayError(ErrorCodes.SCHEMA_LOAD, `${file}: ${problem}`, opts);
}

/** Every *.json under `dir`, in path order so that load errors are the same on every machine. */
export async function readSchemaFiles(dir: string): Promise<SchemaFile[]> {
  let names: string[];
  try {
    names = await readdir(dir, { recursive: true });
  } catch (err) {
    throw loadError(dir, 'schema directory cannot be read', { cause: err });
  }
  const files = names.filter((n) => n.endsWith('.json')).sort();
  return Promise.all(files.map((name) => readSchemaFile(join(dir, name))));
}

async function readSchemaFile(file: string): Promise<SchemaFile> {
  let doc: unknown;
  try {
    doc = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw loadError(file, `not valid JSON (${(err as Error).message})`, { cause: err });
  }
  if (!checkShape(doc)) {
    const violations = toViolations(checkShape.errors ?? [], '');
    throw loadError(file, violations.map((v) => `${v.pointer || '/'} ${v.message}`).join('; '), { violations });
  }
  const schema = doc as Record<string, unknown>;
  const id = schema['$id'] as string;
  if (!(TYPE_KEYWORD in schema)) return { file, id, schema };
  return {
    file,
    id,
    schema,
    event: {
      type: schema[TYPE_KEYWORD] as string,
      version: schema[VERSION_KEYWORD] as number,
      title: schema['title'] as string,
      description: schema['description'] as string,
      example: (schema['examples'] as unknown[])[0],
    },
  };
}
