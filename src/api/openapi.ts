// GET /v1/openapi.json: an OpenAPI 3.1 document generated from the resource declarations, with the very
// JSON Schemas requests are validated against (OpenAPI 3.1 schemas are JSON Schema 2020-12).
import { filterSpecSchema } from '../filters/mod.js';
import { allowed, op, type Resource } from './resource.js';

const PROBLEM_SCHEMA = {
  description: 'RFC 9457 problem details; `code` is the stable CEG_ERR_* code, `errors` every violation found',
  type: 'object',
  required: ['type', 'title', 'status', 'detail', 'code'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    instance: { type: 'string' },
    code: { type: 'string', pattern: '^CEG_ERR_[A-Z_]+$' },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        required: ['pointer', 'detail'],
        properties: { pointer: { type: 'string', description: 'JSON pointer (RFC 6901) into the request body' }, detail: { type: 'string' } },
      },
    },
  },
} as const;

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

export function openApiDocument(resources: Resource[]): Record<string, unknown> {
  const schemas: Record<string, object> = { Problem: PROBLEM_SCHEMA, Filters: filterSpecSchema };
  const paths: Record<string, Record<string, unknown>> = {};
  for (const resource of resources) {
    const pathParams = [...resource.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    const item: Record<string, unknown> = pathParams.length ? { parameters: pathParams } : {};
    for (const [method, operation] of Object.entries(resource.operations)) {
      const query = (operation.query?.json as { properties?: Record<string, object> } | undefined)?.properties ?? {};
      const responses: Record<string, unknown> = Object.fromEntries(
        Object.entries(operation.responses).map(([status, description]) => [status, { description }]),
      );
      responses.default = { description: 'an error', content: { 'application/problem+json': { schema: ref('Problem') } } };
      const entry: Record<string, unknown> = {
        summary: operation.summary,
        parameters: Object.entries(query).map(([name, schema]) => ({ name, in: 'query', required: false, schema })),
        responses,
      };
      if (operation.access === 'public') entry.security = [];
      if (operation.body) {
        schemas[operation.body.name] = operation.body.json;
        const content = Object.fromEntries((operation.mediaTypes ?? ['application/json']).map((t) => [t, { schema: ref(operation.body!.name) }]));
        entry.requestBody = { required: true, content };
      }
      item[method.toLowerCase()] = entry;
    }
    item.options = { summary: `the methods allowed: ${allowed(resource).join(', ')}`, security: [], responses: { 204: { description: 'see Allow' } } };
    paths[resource.path] = item;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'cloudevents-gateway tenant API',
      version: 'v1',
      description: 'webhook subscriptions to CloudEvents, their deliveries, and the event catalog',
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    servers: [{ url: '/' }],
    security: [{ apiKey: [] }],
    paths,
    components: { schemas, securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'a tenant API key (ceg_…) or the admin key' } } },
  };
}

/** The resource serving the document of `resources` (itself included). */
export function openApiResource(resources: () => Resource[]): Resource {
  let doc: Record<string, unknown> | undefined;
  return {
    path: '/v1/openapi.json',
    operations: {
      GET: op({
        summary: 'this document',
        access: 'public',
        responses: { 200: 'OpenAPI 3.1' },
        handle(call) {
          doc ??= openApiDocument(resources());
          call.res.json(doc);
        },
      }),
    },
  };
}
