// The JSON Schemas of every request body and query the /v1 API accepts: what ajv checks requests against
// and what /v1/openapi.json publishes. The TypeScript types beside them are what a value is once checked.
import type { StepSpec } from '../pipeline/types.js';
import type { ContentMode, DeliveryState, SubscriptionState } from '../store/types.js';
import { FILTERS_REF, schema } from './validation.js';
import { durationSchema } from '../config/schema.js';

export const SIGNING_SCHEMES = ['standard-webhooks', 'timestamped-hmac', 'hmac'] as const;
export type SigningScheme = (typeof SIGNING_SCHEMES)[number];
export const CONTENT_MODES: readonly ContentMode[] = ['binary', 'structured', 'webhook'];
const SUBSCRIPTION_STATES: readonly SubscriptionState[] = ['active', 'paused', 'disabled'];
const DELIVERY_STATES: readonly DeliveryState[] = ['pending', 'succeeded', 'failed', 'dropped'];

// RFC 9110 token; values without CR/LF so nothing can be smuggled into the outgoing request
const headers = {
  type: 'object',
  maxProperties: 50,
  propertyNames: { pattern: "^[A-Za-z0-9!#$%&'*+.^_`|~-]+$", maxLength: 256 },
  additionalProperties: { type: 'string', maxLength: 8192, pattern: '^[^\\r\\n]*$' },
} as const;

/** The writable fields of a subscription: the body of a create, the result a merge patch must leave. */
export interface SubscriptionInput {
  sink: string;
  protocol?: 'HTTP';
  protocolsettings?: { headers?: Record<string, string>; method?: 'POST' | 'PUT' | 'PATCH' };
  types?: string[];
  source?: string;
  filters?: unknown[];
  contentMode?: ContentMode;
  signing?: { scheme: SigningScheme; header?: string; prefix?: string };
  orderingKey?: string;
  retry?: { schedule: Array<number | string>; jitter?: number };
  rateLimit?: { perSecond?: number; burst?: number; maxConcurrency?: number };
  pipeline?: StepSpec[];
  description?: string;
  metadata?: Record<string, string>;
}

const subscriptionProperties = {
  sink: { type: 'string', format: 'uri', maxLength: 2048, description: 'the webhook URL (http or https)' },
  protocol: { const: 'HTTP', description: 'delivery protocol; only HTTP' },
  protocolsettings: {
    type: 'object',
    additionalProperties: false,
    properties: {
      headers,
      method: { enum: ['POST', 'PUT', 'PATCH'], description: 'default POST' },
    },
  },
  types: {
    description: 'event type patterns: `*` one dot-separated segment, a final `>` everything below; default all types',
    type: 'array',
    minItems: 1,
    maxItems: 100,
    uniqueItems: true,
    items: { type: 'string', minLength: 1, maxLength: 256, pattern: '^\\S+$' },
  },
  source: { type: 'string', minLength: 1, maxLength: 2048, format: 'uri-reference', description: 'only events of this exact source' },
  filters: { $ref: FILTERS_REF },
  contentMode: { enum: CONTENT_MODES, description: 'CloudEvents HTTP binary or structured mode, or a webhook envelope; default binary' },
  signing: {
    type: 'object',
    additionalProperties: false,
    required: ['scheme'],
    properties: {
      scheme: { enum: SIGNING_SCHEMES },
      // what the receivers of the HMAC schemes expect, e.g. `OFAuth-Signature`, `X-Hub-Signature-256` + `sha256=`
      header: { type: 'string', pattern: "^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}$" },
      prefix: { type: 'string', maxLength: 32, pattern: '^[\\x21-\\x7e]*$' },
    },
  },
  orderingKey: {
    type: 'string',
    pattern: '^[a-z0-9]{1,20}$',
    description: 'attribute whose value orders delivery, e.g. `subject` or `partitionkey`',
  },
  retry: {
    type: 'object',
    additionalProperties: false,
    required: ['schedule'],
    properties: {
      schedule: { type: 'array', minItems: 1, maxItems: 50, items: durationSchema, description: 'delay before each attempt' },
      jitter: { type: 'number', minimum: 0, maximum: 1 },
    },
  },
  rateLimit: {
    type: 'object',
    additionalProperties: false,
    minProperties: 1,
    properties: {
      perSecond: { type: 'number', exclusiveMinimum: 0, maximum: 100000 },
      burst: { type: 'integer', minimum: 1, maximum: 100000 },
      maxConcurrency: { type: 'integer', minimum: 1, maximum: 1000 },
    },
  },
  pipeline: {
    type: 'array',
    maxItems: 20,
    items: {
      type: 'object',
      additionalProperties: false,
      required: ['use'],
      properties: {
        use: { type: 'string', minLength: 1, maxLength: 512 },
        config: {},
        timeoutMs: { type: 'integer', minimum: 1, maximum: 60000 },
      },
    },
  },
  description: { type: 'string', maxLength: 1000 },
  metadata: {
    type: 'object',
    maxProperties: 50,
    propertyNames: { maxLength: 256 },
    additionalProperties: { type: 'string', maxLength: 1024 },
  },
} as const;

export const subscriptionInput = schema<SubscriptionInput>('SubscriptionInput', {
  type: 'object',
  additionalProperties: false,
  required: ['sink'],
  properties: subscriptionProperties,
});

const OBJECT_VALUED = new Set(['protocolsettings', 'signing', 'retry', 'rateLimit', 'metadata']);

// JSON merge patch (RFC 7386): `null` removes a field and objects merge member by member, so only the
// patch's shape is checked here (known fields, scalar and array types); the merged result is then checked
// against SubscriptionInput as a whole.
export const subscriptionPatch = schema<Record<string, unknown>>('SubscriptionPatch', {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: Object.fromEntries(
    Object.entries(subscriptionProperties).map(([key, prop]) => [
      key,
      key === 'sink' ? prop : { anyOf: [OBJECT_VALUED.has(key) ? { type: 'object' } : prop, { type: 'null' }] },
    ]),
  ),
});

export interface TenantInput {
  name: string;
  id?: string;
}

export const tenantInput = schema<TenantInput>('TenantInput', {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200 },
    id: { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]{0,62}$', description: 'default: a generated id' },
  },
});

export const apiKeyInput = schema<{ name: string }>('ApiKeyInput', {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: { name: { type: 'string', minLength: 1, maxLength: 200 } },
});

export type ReplayInput = { from: string; to?: string } | { startSeq: number };

export const replayInput = schema<ReplayInput>('ReplayInput', {
  description: 'a time window of the ingest stream, or the stream sequence to start at',
  oneOf: [
    {
      type: 'object',
      additionalProperties: false,
      required: ['from'],
      properties: { from: { type: 'string', format: 'date-time' }, to: { type: 'string', format: 'date-time' } },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['startSeq'],
      properties: { startSeq: { type: 'integer', minimum: 1 } },
    },
  ],
});

// Queries arrive as strings (the app's simple query parser); a repeated parameter arrives as an array and
// fails its `type`.
const pageParameters = {
  limit: { type: 'string', pattern: '^[1-9][0-9]{0,3}$', description: 'page size (capped by api.maxPageSize)' },
  cursor: { type: 'string', minLength: 1, maxLength: 100, description: 'from the previous page\'s `nextCursor`' },
} as const;

export interface PageParams {
  limit?: string;
  cursor?: string;
}

export const subscriptionQuery = schema<PageParams & { type?: string; state?: SubscriptionState }>('SubscriptionQuery', {
  type: 'object',
  additionalProperties: false,
  properties: {
    ...pageParameters,
    type: { type: 'string', minLength: 1, description: 'subscriptions listing exactly this entry in `types`' },
    state: { enum: SUBSCRIPTION_STATES },
  },
});

export const deliveryQuery = schema<PageParams & { state?: DeliveryState; from?: string; to?: string }>('DeliveryQuery', {
  type: 'object',
  additionalProperties: false,
  properties: {
    ...pageParameters,
    state: { enum: DELIVERY_STATES },
    from: { type: 'string', format: 'date-time', description: 'created at or after' },
    to: { type: 'string', format: 'date-time', description: 'created before' },
  },
});

export const pageQuery = schema<PageParams>('PageQuery', {
  type: 'object',
  additionalProperties: false,
  properties: pageParameters,
});

export const statsQuery = schema<{ window?: string }>('StatsQuery', {
  type: 'object',
  additionalProperties: false,
  properties: {
    window: { type: 'string', pattern: '^[1-9][0-9]*(m|h|d)$', description: 'how far back, e.g. `15m`, `1h` (default), `7d`' },
  },
});

/** The fields a tenant writes; everything else on a subscription is managed by the gateway. */
export const SUBSCRIPTION_FIELDS = Object.keys(subscriptionProperties) as Array<keyof SubscriptionInput>;

export const createQuery = schema<{ handshake?: 'true' | 'false' }>('CreateSubscriptionQuery', {
  type: 'object',
  additionalProperties: false,
  properties: {
    handshake: { enum: ['true', 'false'], description: 'run the webhook validation handshake (default from api.webhookHandshake)' },
  },
});
