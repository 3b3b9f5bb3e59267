// Loads gateway.yaml: parse (js-yaml), interpolate ${ENV}, validate against the schema with defaults
// (ajv), then normalize. Any problem stops the start with every violation named by its key path.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import { Ajv, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';
import ipaddr from 'ipaddr.js';
import { ConfigError, ErrorCodes, type Violation } from '../errors.js';
import { checkTypePattern } from '../routing/pattern.js';
import { toMs } from './duration.js';
import { interpolate } from './env.js';
import { configSchema } from './schema.js';
import { DEFAULT_RETRY, type GatewayConfig, type RetryPolicy } from './types.js';

// ajv-formats is CommonJS with a default export; under NodeNext its namespace arrives wrapped.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;
// verbose: error messages quote the schema's own descriptions and allowed keys.
const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: true, allowUnionTypes: true, verbose: true });
addFormats(ajv);
const validateSchema = ajv.compile(configSchema);

export interface LoadOptions {
  env?: NodeJS.ProcessEnv;
}

/** Reads and validates a config file. */
export function loadConfigFile(file: string, opts: LoadOptions = {}): GatewayConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(
      ErrorCodes.CONFIG_NOT_FOUND,
      `cannot read config file ${file}: ${(err as Error).message}; pass --config <file> or create gateway.yaml`,
      { cause: err },
    );
  }
  let doc: unknown;
  try {
    doc = yaml.load(text, { filename: file, schema: yaml.CORE_SCHEMA }) ?? {};
  } catch (err) {
    throw new ConfigError(ErrorCodes.CONFIG_INVALID, `${file}: not valid YAML: ${(err as Error).message}`, { cause: err });
  }
  return buildConfig(doc, { ...opts, file });
}

/** Validates a config object (as parsed from YAML, before defaults) and normalizes it. */
export function buildConfig(doc: unknown, opts: LoadOptions & { file?: string; rootDir?: string } = {}): GatewayConfig {
  const env = opts.env ?? process.env;
  const where = opts.file ?? 'config';
  const raw = structuredClone(interpolate(doc, env)) as Record<string, any>;
  if (!validateSchema(raw)) {
    const violations = (validateSchema.errors ?? []).map(toViolation);
    throw invalid(where, violations);
  }
  const violations = semanticChecks(raw);
  if (violations.length) throw invalid(where, violations);

  const rootDir = opts.rootDir ?? (opts.file ? path.dirname(path.resolve(opts.file)) : process.cwd());
  const abs = (p: string) => path.resolve(rootDir, p);
  const retry = (r: any): RetryPolicy | undefined =>
    r && (r.schedule || r.jitter !== undefined)
      ? { scheduleMs: (r.schedule ?? DEFAULT_RETRY.scheduleMs).map(toMs), jitter: r.jitter ?? DEFAULT_RETRY.jitter }
      : undefined;
  const n = raw.nats;
  // NATS_URL and MONGODB_URL are the conventional env overrides of their clients; they win over the file.
  const natsUrl = env.NATS_URL;
  const mongoUrl = env.MONGODB_URL;
  const config: GatewayConfig = {
    file: opts.file ? path.resolve(opts.file) : undefined,
    rootDir,
    nats: {
      servers: natsUrl ? natsUrl.split(',') : n.servers,
      name: n.name,
      user: n.user,
      password: n.password,
      token: n.token,
      credentials: n.credentials ? abs(n.credentials) : undefined,
      stream: {
        name: n.stream.name,
        subjects: n.stream.subjects,
        maxAgeMs: toMs(n.stream.maxAge),
        duplicateWindowMs: toMs(n.stream.duplicateWindow),
        replicas: n.stream.replicas,
        storage: n.stream.storage,
      },
      deliveries: { ...n.deliveries },
      deadLetter: { name: n.deadLetter.name, subjectPrefix: n.deadLetter.subjectPrefix, maxAgeMs: toMs(n.deadLetter.maxAge) },
      consumer: {
        durable: n.consumer.durable,
        ackWaitMs: toMs(n.consumer.ackWait),
        maxAckPending: n.consumer.maxAckPending,
        batch: n.consumer.batch,
      },
      local: { ...n.local },
    },
    http: { ...raw.http },
    events: { ...raw.events },
    schemas: { dir: abs(raw.schemas.dir), unknownTypes: raw.schemas.unknownTypes, policies: raw.schemas.policies },
    routes: raw.routes.map((r: any) => ({
      name: r.name,
      match: r.match,
      destinations: r.destinations.map((d: any) => ({
        url: d.url,
        headers: d.headers,
        contentMode: d.contentMode,
        secret: d.secret,
        timeoutMs: d.timeout === undefined ? undefined : toMs(d.timeout),
      })),
      pipeline: r.pipeline,
      retry: retry(r.retry),
    })),
    delivery: {
      timeoutMs: toMs(raw.delivery.timeout),
      concurrency: raw.delivery.concurrency,
      retry: retry(raw.delivery.retry) ?? DEFAULT_RETRY,
      maxResponseBytes: raw.delivery.maxResponseBytes,
      maxConcurrencyPerTarget: raw.delivery.maxConcurrencyPerTarget,
      orderingPartitions: raw.delivery.orderingPartitions,
      disableAfterMs: toMs(raw.delivery.disableAfter),
      inline: { enabled: raw.delivery.inline.enabled, handoffAfterMs: toMs(raw.delivery.inline.handoffAfter) },
      ssrf: raw.delivery.ssrf,
    },
    api: {
      adminKey: raw.api.adminKey ?? env.CEG_ADMIN_KEY,
      secretGraceMs: toMs(raw.api.secretGrace),
      maxPageSize: raw.api.maxPageSize,
      webhookHandshake: raw.api.webhookHandshake,
    },
    plugins: raw.plugins,
    storage: {
      dataDir: abs(raw.storage.dataDir),
      mongodb: mongoUrl
        ? { url: mongoUrl, database: raw.storage.mongodb?.database ?? 'cloudevents_gateway' }
        : raw.storage.mongodb,
      retentionDays: raw.storage.retentionDays,
      encryptionKeys: raw.storage.encryptionKeys ?? env.CEG_ENCRYPTION_KEYS,
      production: raw.storage.production || env.NODE_ENV === 'production',
    },
    log: raw.log,
  };
  return config;
}

function invalid(where: string, violations: Violation[]): ConfigError {
  const lines = violations.map((v) => `  ${v.pointer || '/'}: ${v.message}`).join('\n');
  return new ConfigError(ErrorCodes.CONFIG_INVALID, `${where} is invalid:\n${lines}`, { violations });
}

function toViolation(e: ErrorObject): Violation {
  const at = e.instancePath;
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = (e.params as { additionalProperty: string }).additionalProperty;
      const allowed = Object.keys((e.parentSchema as { properties?: object }).properties ?? {});
      return { pointer: `${at}/${key}`, message: `unknown key "${key}"; expected one of: ${allowed.join(', ')}`, rule: e.keyword };
    }
    case 'enum':
      return { pointer: at, message: `must be one of: ${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`, rule: e.keyword };
    case 'required':
      return { pointer: `${at}/${(e.params as { missingProperty: string }).missingProperty}`, message: 'is required', rule: e.keyword };
    case 'pattern':
    case 'anyOf': {
      const hint = (e.parentSchema as { description?: string }).description;
      return { pointer: at, message: hint ? `${e.message}: ${hint}` : String(e.message), rule: e.keyword };
    }
    default:
      return { pointer: at, message: String(e.message), rule: e.keyword };
  }
}

/** What a schema cannot say: unique route names, type pattern structure, parseable CIDRs. */
function semanticChecks(raw: Record<string, any>): Violation[] {
  const out: Violation[] = [];
  const seen = new Set<string>();
  raw.routes.forEach((r: any, i: number) => {
    if (seen.has(r.name)) out.push({ pointer: `/routes/${i}/name`, message: `duplicate route name "${r.name}"`, rule: 'unique' });
    seen.add(r.name);
    r.match.types.forEach((t: string, j: number) => {
      const msg = checkTypePattern(t);
      if (msg) out.push({ pointer: `/routes/${i}/match/types/${j}`, message: msg, rule: 'pattern' });
    });
  });
  // an event stays unacked while its inline attempts run: JetStream must not offer it again meanwhile
  if (raw.delivery.inline.enabled && toMs(raw.delivery.inline.handoffAfter) * 2 > toMs(raw.nats.consumer.ackWait)) {
    out.push({
      pointer: '/delivery/inline/handoffAfter',
      message: `must be at most half of nats.consumer.ackWait (${raw.nats.consumer.ackWait}): an event waits for its inline attempts before it is acked`,
      rule: 'range',
    });
  }
  raw.delivery.ssrf.allow.forEach((c: string, i: number) => {
    try {
      ipaddr.parseCIDR(c);
    } catch {
      out.push({ pointer: `/delivery/ssrf/allow/${i}`, message: `not a CIDR: ${c}`, rule: 'cidr' });
    }
  });
  return out;
}
