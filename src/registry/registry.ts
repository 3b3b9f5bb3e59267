// The schema registry: which JSON Schema an event's `data` must match, and the check itself. Everything is
// compiled at load; `validate` only looks up maps and runs ajv's generated code.
import type { CloudEvent } from '../cloudevents/event.js';
import { isJsonMediaType, parseMediaType } from '../cloudevents/mediatype.js';
import { ErrorCodes, EventError, type Violation } from '../errors.js';
import { compileSchemas, type CompiledSchema } from './compile.js';
import { readSchemaFiles } from './loader.js';
import { compileUnknownTypePolicies, type UnknownTypePolicy, type UnknownTypes } from './policy.js';
import { toViolations } from './violations.js';

export interface SchemaRegistryOptions {
  /** directory searched recursively for *.json schemas */
  dir: string;
  /** what to do with a type that has no schema when no policy matches it; default `reject` */
  unknownTypes?: UnknownTypes;
  /** per type pattern, first match wins */
  policies?: UnknownTypePolicy[];
}

export interface EventSchemaVersion {
  version: number;
  dataschema: string;
  title: string;
  description: string;
  schema: object;
  /** a complete event carrying the schema's example data; it passes `validate` */
  example: CloudEvent;
}

export interface EventTypeInfo {
  type: string;
  /** oldest first; the last one is what events without `dataschema` are checked against */
  versions: EventSchemaVersion[];
}

/** One row per schema, for listings such as `ceg schemas`. */
export interface SchemaListing {
  type: string;
  version: number;
  dataschema: string;
  file: string;
}

export class SchemaRegistry {
  private readonly byId = new Map<string, CompiledSchema>();
  private readonly byType = new Map<string, CompiledSchema[]>();
  private readonly infos: EventTypeInfo[];

  private constructor(
    schemas: CompiledSchema[],
    private readonly unknownTypes: (type: string) => UnknownTypes,
  ) {
    // code-point order, not locale order: listings must not differ between machines
    const sorted = [...schemas].sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : a.version - b.version));
    for (const s of sorted) {
      this.byId.set(s.dataschema, s);
      const versions = this.byType.get(s.type) ?? [];
      versions.push(s);
      this.byType.set(s.type, versions);
    }
    this.infos = [...this.byType].map(([type, versions]) => ({
      type,
      versions: versions.map((s) => ({
        version: s.version,
        dataschema: s.dataschema,
        title: s.title,
        description: s.description,
        schema: s.schema,
        example: exampleEvent(s),
      })),
    }));
  }

  /** Reads and compiles every schema under `opts.dir`; throws CEG_ERR_SCHEMA_LOAD naming the file at fault. */
  static async load(opts: SchemaRegistryOptions): Promise<SchemaRegistry> {
    // policies first: a config mistake should not wait for the disk
    const decide = compileUnknownTypePolicies(opts.policies ?? [], opts.unknownTypes ?? 'reject');
    return new SchemaRegistry(compileSchemas(await readSchemaFiles(opts.dir)), decide);
  }

  /**
   * Checks the event's data against its schema: the one named by `dataschema`, else the latest version for
   * its type. Throws an EventError: CEG_ERR_SCHEMA_INVALID with every violation, or CEG_ERR_SCHEMA_NOT_FOUND.
   */
  validate(event: CloudEvent): void {
    const schema = this.select(event);
    if (schema === undefined) return;
    const violations = dataViolations(schema, event);
    if (violations.length === 0) return;
    const first = violations[0]!;
    const more = violations.length > 1 ? ` (and ${violations.length - 1} more)` : '';
    throw new EventError(
      ErrorCodes.SCHEMA_INVALID,
      `event data does not match ${schema.dataschema}: ${first.pointer} ${first.message}${more}`,
      { violations },
    );
  }

  /** Every type with a schema, in type order. */
  catalog(): EventTypeInfo[] {
    return [...this.infos];
  }

  describe(type: string): EventTypeInfo | undefined {
    return this.infos.find((info) => info.type === type);
  }

  /** Every schema with the file it came from, in type then version order. */
  list(): SchemaListing[] {
    return [...this.byType.values()].flat().map(({ type, version, dataschema, file }) => ({
      type,
      version,
      dataschema,
      file,
    }));
  }

  /** The schema to check against, or undefined when the type has none and its policy accepts that. */
  private select(event: CloudEvent): CompiledSchema | undefined {
    const versions = this.byType.get(event.type);
    if (event.dataschema !== undefined) {
      const named = this.byId.get(event.dataschema);
      if (named !== undefined) {
        if (named.type === event.type) return named;
        throw new EventError(
          ErrorCodes.SCHEMA_INVALID,
          `dataschema ${event.dataschema} is for type "${named.type}", not "${event.type}"`,
          { violations: [{ pointer: '/dataschema', message: `is the schema of "${named.type}"`, rule: 'dataschema' }] },
        );
      }
      if (versions !== undefined) {
        const known = versions.map((s) => s.dataschema).join(', ');
        throw new EventError(
          ErrorCodes.SCHEMA_NOT_FOUND,
          `no schema ${event.dataschema} for type "${event.type}" (known: ${known})`,
          {
            violations: [{ pointer: '/dataschema', message: 'names no known schema of this type', rule: 'dataschema' }],
          },
        );
      }
    } else if (versions !== undefined) {
      return versions[versions.length - 1];
    }
    if (this.unknownTypes(event.type) === 'accept') return undefined;
    throw new EventError(ErrorCodes.SCHEMA_NOT_FOUND, `no schema for event type "${event.type}"`, {
      violations: [{ pointer: '/type', message: 'has no schema', rule: 'dataschema' }],
    });
  }
}

function dataViolations(schema: CompiledSchema, event: CloudEvent): Violation[] {
  if (event.data_base64 !== undefined) {
    const message = `binary data cannot be checked against ${schema.dataschema}`;
    return [{ pointer: '/data_base64', message, rule: 'datacontenttype' }];
  }
  // absent means JSON in the JSON format, our in-memory form
  const ct = event.datacontenttype;
  const mt = ct === undefined ? undefined : parseMediaType(ct);
  if (mt === null || (mt !== undefined && !isJsonMediaType(mt))) {
    const message = `"${ct}" is not JSON, which ${schema.dataschema} describes`;
    return [{ pointer: '/datacontenttype', message, rule: 'datacontenttype' }];
  }
  if (event.data === undefined) {
    return [{ pointer: '/data', message: `is required by ${schema.dataschema}`, rule: 'required' }];
  }
  return schema.validate(event.data) ? [] : toViolations(schema.validate.errors ?? [], '/data');
}

function exampleEvent(schema: CompiledSchema): CloudEvent {
  return {
    specversion: '1.0',
    id: `example-${schema.type}-v${schema.version}`,
    source: '/cloudevents-gateway/schemas',
    type: schema.type,
    datacontenttype: 'application/json',
    dataschema: schema.dataschema,
    data: schema.example,
  };
}
