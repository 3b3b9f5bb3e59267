// Formats an event as the plain JSON envelope many existing receivers expect instead of a CloudEvent,
// e.g. `{ "type", "id", "timestamp", "data" }` or `{ "event", "id", "created", "data", "organization" }`.
// Each output field names the attribute (or `data`) that fills it; fields may nest.
import type { CloudEvent } from '../../src/cloudevents/event.js';
import { definePlugin } from '../../src/pipeline/mod.js';

/** An attribute name (or `data`), a reshaped attribute, or a nested object of fields. */
export type FieldSource =
  | string
  | { from: string; as?: 'unix' | 'unix-ms'; default?: unknown }
  | { fields: Record<string, FieldSource> };

export interface EnvelopeConfig {
  fields: Record<string, FieldSource>;
  contentType: string;
}

const DEFAULT_FIELDS: Record<string, FieldSource> = { type: 'type', id: 'id', timestamp: 'time', data: 'data' };

const fieldsSchema = {
  type: 'object',
  minProperties: 1,
  additionalProperties: { $ref: '#/$defs/source' },
};

type Field = (event: Readonly<CloudEvent>) => unknown;

function attribute(event: Readonly<CloudEvent>, name: string): unknown {
  // binary data can only travel in a JSON envelope as its base64 text
  return name === 'data' ? event.data ?? event.data_base64 : event[name];
}

function compileField(source: FieldSource): Field {
  if (typeof source === 'string') return (e) => attribute(e, source);
  if ('fields' in source) return compileObject(source.fields);
  const { from, as } = source;
  const fallback = source.default;
  return (e) => {
    const value = attribute(e, from);
    if (value === undefined) return fallback;
    if (as === undefined) return value;
    const ms = Date.parse(String(value));
    if (Number.isNaN(ms)) return fallback;
    return as === 'unix' ? Math.floor(ms / 1000) : ms;
  };
}

function compileObject(fields: Record<string, FieldSource>): Field {
  const compiled = Object.entries(fields).map(([name, source]) => [name, compileField(source)] as const);
  return (e) => {
    const out: Record<string, unknown> = {};
    // absent attributes leave their field out, as a receiver would see with an optional field
    for (const [name, field] of compiled) {
      const value = field(e);
      if (value !== undefined) out[name] = value;
    }
    return out;
  };
}

export default definePlugin<EnvelopeConfig>({
  name: 'webhook-envelope',
  version: '1.0.0',
  stages: ['format'],
  configSchema: {
    type: 'object',
    properties: {
      fields: { ...fieldsSchema, default: DEFAULT_FIELDS },
      contentType: { type: 'string', pattern: '^[\\w.+-]+/[\\w.+-]+', default: 'application/json' },
    },
    additionalProperties: false,
    $defs: {
      source: {
        oneOf: [
          { type: 'string', minLength: 1 },
          {
            type: 'object',
            properties: {
              from: { type: 'string', minLength: 1 },
              as: { enum: ['unix', 'unix-ms'] },
              default: true,
            },
            required: ['from'],
            additionalProperties: false,
          },
          {
            type: 'object',
            properties: { fields: fieldsSchema },
            required: ['fields'],
            additionalProperties: false,
          },
        ],
      },
    },
  },
  setup(config) {
    const envelope = compileObject(config.fields);
    const encoder = new TextEncoder();
    return {
      format(event) {
        return {
          body: encoder.encode(JSON.stringify(envelope(event))),
          headers: { 'content-type': config.contentType },
        };
      },
    };
  },
});
