// The event catalog tenants read before subscribing: every type with a schema, its versions, the JSON
// Schema of each and an example event that passes it.
import { ApiError, ErrorCodes } from '../errors.js';
import type { ApiContext } from './context.js';
import { op, type Resource } from './resource.js';

export function eventTypeResources(ctx: ApiContext): Resource[] {
  return [
    {
      path: '/v1/event-types',
      operations: {
        GET: op({
          summary: 'list the event types with a schema, and their versions',
          access: 'any',
          responses: { 200: 'the catalog' },
          handle(call) {
            const items = ctx.schemas.catalog().map((info) => ({
              type: info.type,
              versions: info.versions.map(({ version, dataschema, title, description }) => ({ version, dataschema, title, description })),
            }));
            call.res.json({ items });
          },
        }),
      },
    },
    {
      path: '/v1/event-types/{type}',
      operations: {
        GET: op({
          summary: 'one event type: every version with its JSON Schema and an example event',
          access: 'any',
          responses: { 200: 'the event type' },
          handle(call) {
            const info = ctx.schemas.describe(call.params.type!);
            if (!info) throw new ApiError(404, ErrorCodes.API_NOT_FOUND, `no event type ${call.params.type} in the catalog`);
            call.res.json(info);
          },
        }),
      },
    },
  ];
}
