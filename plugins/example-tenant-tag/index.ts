// An example of a third-party plugin: tags every event with a tenant extension attribute taken from
// config. Copy this folder to start your own; `example-tenant-tag.test.ts` shows how to test it.
import { definePlugin } from 'cloudevents-gateway';

export interface TenantTagConfig {
  /** the tag value, e.g. the tenant's slug */
  tenant: string;
  /** extension attribute to set (CloudEvents names: a-z, 0-9) */
  attribute: string;
  /** keep a tag the producer already set */
  keepExisting: boolean;
}

export default definePlugin<TenantTagConfig>({
  name: 'example-tenant-tag',
  version: '1.0.0',
  stages: ['transform'],
  configSchema: {
    type: 'object',
    properties: {
      tenant: { type: 'string', minLength: 1 },
      attribute: { type: 'string', pattern: '^[a-z0-9]{1,20}$', default: 'tenant' },
      keepExisting: { type: 'boolean', default: false },
    },
    required: ['tenant'],
    additionalProperties: false,
  },
  setup({ tenant, attribute, keepExisting }) {
    return {
      transform(event) {
        if (keepExisting && typeof event[attribute] === 'string') return event;
        // a new object: the event handed in is frozen and shared with other steps
        return { ...event, [attribute]: tenant };
      },
    };
  },
});
