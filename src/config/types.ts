// The validated, normalized configuration: durations in ms, paths absolute, defaults filled.
import type { StepSpec } from '../pipeline/types.js';

export type ContentMode = 'binary' | 'structured';
export type UnknownTypePolicy = 'reject' | 'accept';

export interface RetryPolicy {
  /** delay before each attempt, the first usually 0; its length is the number of attempts */
  scheduleMs: number[];
  /** ± fraction applied to each delay */
  jitter: number;
}

export interface Destination {
  url: string;
  headers: Record<string, string>;
  contentMode: ContentMode;
  secret?: string;
  timeoutMs?: number;
}

export interface RouteConfig {
  name: string;
  match: { types: string[]; source?: string; subject?: string };
  destinations: Destination[];
  pipeline: StepSpec[];
  retry?: RetryPolicy;
}

export interface GatewayConfig {
  /** the file it came from, or undefined when built in code */
  file?: string;
  /** folder relative paths are resolved against */
  rootDir: string;
  nats: {
    servers: string[];
    name: string;
    user?: string;
    password?: string;
    token?: string;
    credentials?: string;
    stream: { name: string; subjects: string[]; maxAgeMs: number; duplicateWindowMs: number; replicas: number; storage: 'file' | 'memory' };
    deliveries: { name: string; subjectPrefix: string };
    deadLetter: { name: string; subjectPrefix: string; maxAgeMs: number };
    consumer: { durable: string; ackWaitMs: number; maxAckPending: number; batch: number };
    local: { binary: string; port: number };
  };
  http: { host: string; port: number; maxRequestBytes: number };
  events: { maxBytes: number; maxJsonDepth: number };
  schemas: { dir: string; unknownTypes: UnknownTypePolicy; policies: Array<{ types: string[]; unknownTypes: UnknownTypePolicy }> };
  routes: RouteConfig[];
  delivery: {
    timeoutMs: number;
    concurrency: number;
    retry: RetryPolicy;
    maxResponseBytes: number;
    maxConcurrencyPerTarget: number;
    orderingPartitions: number;
    disableAfterMs: number;
    inline: { enabled: boolean; handoffAfterMs: number };
    ssrf: { allow: string[]; httpsOnly: boolean };
  };
  api: {
    adminKey?: string;
    /** how long a rotated-out signing secret keeps signing beside the new one */
    secretGraceMs: number;
    maxPageSize: number;
    /** run the CloudEvents webhook validation handshake when a subscription is created */
    webhookHandshake: boolean;
  };
  plugins: { timeoutMs: number };
  storage: {
    dataDir: string;
    mongodb?: { url: string; database: string };
    retentionDays: number;
    encryptionKeys?: string;
    production: boolean;
  };
  log: { level: string };
}

/** Our users' practice: 5 attempts at 0, 1 min, 5 min, 30 min, 2 h, each ±20 %. */
export const DEFAULT_RETRY: RetryPolicy = {
  scheduleMs: [0, 60_000, 300_000, 1_800_000, 7_200_000],
  jitter: 0.2,
};
