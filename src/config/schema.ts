// The JSON Schema of gateway.yaml: the single source of its shape, its defaults (ajv `useDefaults`) and
// of the start-up error messages. Durations are numbers of milliseconds or strings like `30s`, `5m`, `7d`.

/** A duration: ms as an integer, or `<n><unit>`; read with `toMs`. Shared with the API's request schemas. */
export const durationSchema = {
  anyOf: [
    { type: 'integer', minimum: 0 },
    { type: 'string', pattern: '^[0-9]+(ms|s|m|h|d)$' },
  ],
  description: 'milliseconds, or a number with a unit: ms, s, m, h, d',
} as const;

const typePattern = {
  type: 'string',
  minLength: 1,
  pattern: '^(\\*|>|[^.\\s]+(\\.[^.\\s]+)*)$',
  description: 'event type pattern: `*` one segment, trailing `>` everything below; `*` alone matches all',
} as const;

const step = {
  type: 'object',
  additionalProperties: false,
  required: ['use'],
  properties: {
    use: { type: 'string', minLength: 1 },
    config: {},
    timeoutMs: { type: 'integer', minimum: 1, maximum: 60000 },
  },
} as const;

const retry = {
  type: 'object',
  additionalProperties: false,
  properties: {
    schedule: { type: 'array', minItems: 1, maxItems: 50, items: durationSchema },
    jitter: { type: 'number', minimum: 0, maximum: 1 },
  },
} as const;

export const configSchema = {
  $id: 'https://cloudevents-gateway/config.json',
  type: 'object',
  additionalProperties: false,
  properties: {
    nats: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        servers: { type: 'array', items: { type: 'string', minLength: 1 }, default: [] },
        name: { type: 'string', default: 'cloudevents-gateway' },
        user: { type: 'string' },
        password: { type: 'string' },
        token: { type: 'string' },
        credentials: { type: 'string', description: 'path to a .creds file' },
        stream: {
          type: 'object',
          additionalProperties: false,
          default: {},
          properties: {
            name: { type: 'string', pattern: '^[A-Za-z0-9_-]+$', default: 'CEG_EVENTS' },
            subjects: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 }, default: ['ce.>'] },
            maxAge: { ...durationSchema, default: '7d' },
            duplicateWindow: { ...durationSchema, default: '2m' },
            replicas: { type: 'integer', minimum: 1, maximum: 5, default: 1 },
            storage: { enum: ['file', 'memory'], default: 'file' },
          },
        },
        deliveries: {
          type: 'object',
          additionalProperties: false,
          default: {},
          properties: {
            name: { type: 'string', pattern: '^[A-Za-z0-9_-]+$', default: 'CEG_DELIVERIES' },
            subjectPrefix: { type: 'string', pattern: '^[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*$', default: 'ceg.deliver' },
          },
        },
        deadLetter: {
          type: 'object',
          additionalProperties: false,
          default: {},
          properties: {
            name: { type: 'string', pattern: '^[A-Za-z0-9_-]+$', default: 'CEG_DLQ' },
            subjectPrefix: { type: 'string', pattern: '^[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*$', default: 'ceg.dlq' },
            maxAge: { ...durationSchema, default: '30d' },
          },
        },
        consumer: {
          type: 'object',
          additionalProperties: false,
          default: {},
          properties: {
            durable: { type: 'string', pattern: '^[A-Za-z0-9_-]+$', default: 'ceg-ingest' },
            // admission takes milliseconds; a short wait brings a crashed process's events back soon
            ackWait: { ...durationSchema, default: '10s' },
            maxAckPending: { type: 'integer', minimum: 1, default: 1000 },
            batch: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
          },
        },
        local: {
          type: 'object',
          additionalProperties: false,
          default: {},
          description: 'the nats-server child process started when `servers` is empty',
          properties: {
            binary: { type: 'string', default: 'nats-server' },
            // 0: a free port (4222 is often taken by a system server); the URL is written to <dataDir>/nats.url
            port: { type: 'integer', minimum: 0, maximum: 65535, default: 0 },
          },
        },
      },
    },
    http: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        host: { type: 'string', default: '127.0.0.1' },
        port: { type: 'integer', minimum: 0, maximum: 65535, default: 8080 },
        maxRequestBytes: { type: 'integer', minimum: 1024, default: 1048576 },
      },
    },
    events: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        maxBytes: { type: 'integer', minimum: 65536, default: 262144 },
        maxJsonDepth: { type: 'integer', minimum: 2, maximum: 1000, default: 64 },
      },
    },
    schemas: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        dir: { type: 'string', default: './schemas' },
        unknownTypes: { enum: ['reject', 'accept'], default: 'reject' },
        policies: {
          type: 'array',
          default: [],
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['types', 'unknownTypes'],
            properties: {
              types: { type: 'array', minItems: 1, items: typePattern },
              unknownTypes: { enum: ['reject', 'accept'] },
            },
          },
        },
      },
    },
    routes: {
      type: 'array',
      default: [],
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'match', 'destinations'],
        properties: {
          name: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' },
          match: {
            type: 'object',
            additionalProperties: false,
            required: ['types'],
            properties: {
              types: { type: 'array', minItems: 1, items: typePattern },
              source: { type: 'string', minLength: 1 },
              subject: { type: 'string', minLength: 1 },
            },
          },
          destinations: {
            type: 'array',
            minItems: 1,
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['url'],
              properties: {
                url: { type: 'string', format: 'uri', pattern: '^https?://' },
                headers: { type: 'object', additionalProperties: { type: 'string' }, default: {} },
                contentMode: { enum: ['binary', 'structured'], default: 'binary' },
                secret: { type: 'string', pattern: '^whsec_[A-Za-z0-9+/=]{32,}$' },
                timeout: durationSchema,
              },
            },
          },
          pipeline: { type: 'array', items: step, default: [] },
          retry,
        },
      },
    },
    delivery: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        timeout: { ...durationSchema, default: '10s' },
        concurrency: { type: 'integer', minimum: 1, maximum: 10000, default: 256 },
        retry: { ...retry, default: {} },
        maxResponseBytes: { type: 'integer', minimum: 0, default: 4096 },
        // each target (route destination or subscription) gets at most this many requests in flight, so a
        // slow endpoint cannot take the whole worker
        maxConcurrencyPerTarget: { type: 'integer', minimum: 1, maximum: 10000, default: 32 },
        // partitions of a subscription with an ordering key: one delivery at a time in each
        orderingPartitions: { type: 'integer', minimum: 1, maximum: 256, default: 8 },
        // a subscription with no successful delivery for this long is disabled
        disableAfter: { ...durationSchema, default: '5d' },
        // the first attempt of an unordered delivery runs straight from ingest (no deliveries-stream round
        // trip); one still running at handoffAfter is handed over to the deliveries stream, and a target that
        // failed or needed a hand-off takes that stream for a while
        inline: {
          type: 'object',
          additionalProperties: false,
          default: {},
          properties: {
            enabled: { type: 'boolean', default: true },
            handoffAfter: { ...durationSchema, default: '2s' },
          },
        },
        ssrf: {
          type: 'object',
          additionalProperties: false,
          default: {},
          properties: {
            allow: { type: 'array', items: { type: 'string', pattern: '^[0-9a-fA-F.:]+/[0-9]{1,3}$' }, default: [] },
            httpsOnly: { type: 'boolean', default: false },
          },
        },
      },
    },
    api: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        // the bootstrap admin key (tenants and their API keys); CEG_ADMIN_KEY is the usual source
        adminKey: { type: 'string', minLength: 24 },
        secretGrace: { ...durationSchema, default: '24h' },
        maxPageSize: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
        webhookHandshake: { type: 'boolean', default: false },
      },
    },
    plugins: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        timeoutMs: { type: 'integer', minimum: 1, maximum: 60000, default: 100 },
      },
    },
    storage: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        dataDir: { type: 'string', default: './.data' },
        mongodb: {
          type: 'object',
          additionalProperties: false,
          required: ['url'],
          properties: {
            url: { type: 'string', pattern: '^mongodb(\\+srv)?://' },
            database: { type: 'string', pattern: '^[A-Za-z0-9_-]+$', default: 'cloudevents_gateway' },
          },
        },
        retentionDays: { type: 'integer', minimum: 1, default: 30 },
        encryptionKeys: { type: 'string', description: 'kid:base64key[,kid:base64key…]; the first encrypts' },
        production: { type: 'boolean', default: false },
      },
    },
    log: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        level: { enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], default: 'info' },
      },
    },
  },
} as const;
