// Typed errors with stable codes. Every error the gateway raises on purpose is a GatewayError:
// its `code` never changes between releases (callers match on it), `retryable` tells the delivery
// worker whether to nak with a delay or to dead-letter, and `violations` carry JSON pointers for
// problem+json answers and dead-letter headers.

export const ErrorCodes = {
  INTERNAL: 'CEG_ERR_INTERNAL',
  // configuration (start fails)
  CONFIG_INVALID: 'CEG_ERR_CONFIG_INVALID',
  CONFIG_NOT_FOUND: 'CEG_ERR_CONFIG_NOT_FOUND',
  // event decoding and validation (dead-letter / 400)
  EVENT_MALFORMED: 'CEG_ERR_EVENT_MALFORMED',
  EVENT_INVALID: 'CEG_ERR_EVENT_INVALID',
  EVENT_TOO_LARGE: 'CEG_ERR_EVENT_TOO_LARGE',
  EVENT_FORMAT_UNSUPPORTED: 'CEG_ERR_EVENT_FORMAT_UNSUPPORTED',
  SCHEMA_INVALID: 'CEG_ERR_SCHEMA_INVALID',
  SCHEMA_NOT_FOUND: 'CEG_ERR_SCHEMA_NOT_FOUND',
  SCHEMA_LOAD: 'CEG_ERR_SCHEMA_LOAD',
  // filters
  FILTER_INVALID: 'CEG_ERR_FILTER_INVALID',
  // plugins
  PLUGIN_NOT_FOUND: 'CEG_ERR_PLUGIN_NOT_FOUND',
  PLUGIN_CONFIG_INVALID: 'CEG_ERR_PLUGIN_CONFIG_INVALID',
  PLUGIN_FAILED: 'CEG_ERR_PLUGIN_FAILED',
  PLUGIN_TIMEOUT: 'CEG_ERR_PLUGIN_TIMEOUT',
  // delivery
  DELIVERY_HTTP_STATUS: 'CEG_ERR_DELIVERY_HTTP_STATUS',
  DELIVERY_NETWORK: 'CEG_ERR_DELIVERY_NETWORK',
  DELIVERY_TIMEOUT: 'CEG_ERR_DELIVERY_TIMEOUT',
  DELIVERY_GONE: 'CEG_ERR_DELIVERY_GONE',
  DELIVERY_REDIRECT: 'CEG_ERR_DELIVERY_REDIRECT',
  SSRF_BLOCKED: 'CEG_ERR_SSRF_BLOCKED',
  // storage
  STORE_UNAVAILABLE: 'CEG_ERR_STORE_UNAVAILABLE',
  STORE_CONFLICT: 'CEG_ERR_STORE_CONFLICT',
  STORE_NOT_FOUND: 'CEG_ERR_STORE_NOT_FOUND',
  CRYPTO_KEY: 'CEG_ERR_CRYPTO_KEY',
  // NATS
  NATS_UNAVAILABLE: 'CEG_ERR_NATS_UNAVAILABLE',
  NATS_PUBLISH: 'CEG_ERR_NATS_PUBLISH',
  // HTTP API
  API_BAD_REQUEST: 'CEG_ERR_API_BAD_REQUEST',
  API_UNAUTHORIZED: 'CEG_ERR_API_UNAUTHORIZED',
  API_FORBIDDEN: 'CEG_ERR_API_FORBIDDEN',
  API_NOT_FOUND: 'CEG_ERR_API_NOT_FOUND',
  API_METHOD_NOT_ALLOWED: 'CEG_ERR_API_METHOD_NOT_ALLOWED',
  API_PAYLOAD_TOO_LARGE: 'CEG_ERR_API_PAYLOAD_TOO_LARGE',
  API_UNSUPPORTED_MEDIA_TYPE: 'CEG_ERR_API_UNSUPPORTED_MEDIA_TYPE',
  API_PRECONDITION_FAILED: 'CEG_ERR_API_PRECONDITION_FAILED',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/** One thing wrong, located by a JSON pointer (RFC 6901) into the input it was found in. */
export interface Violation {
  pointer: string;
  message: string;
  /** the rule that failed, e.g. an ajv keyword or `required` */
  rule?: string;
}

export interface GatewayErrorOptions {
  retryable?: boolean;
  violations?: Violation[];
  cause?: unknown;
}

export class GatewayError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly violations: Violation[];

  constructor(code: ErrorCode, message: string, opts: GatewayErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.code = code;
    this.retryable = opts.retryable ?? false;
    this.violations = opts.violations ?? [];
  }
}

/** gateway.yaml or another start-time input is wrong; the message names the key path. */
export class ConfigError extends GatewayError {}

/** An event failed decoding, the CloudEvents spec, or its data schema. Never retryable. */
export class EventError extends GatewayError {
  constructor(code: ErrorCode, message: string, opts: Omit<GatewayErrorOptions, 'retryable'> = {}) {
    super(code, message, { ...opts, retryable: false });
  }
}

/** A plugin failed; `retryable` decides between a delayed retry and the dead-letter stream. */
export class PluginError extends GatewayError {}

/** Outbound delivery failed; `retryAfterMs` carries a server's Retry-After when it sent one. */
export class DeliveryError extends GatewayError {
  readonly status?: number;
  readonly retryAfterMs?: number;
  constructor(
    code: ErrorCode,
    message: string,
    opts: GatewayErrorOptions & { status?: number; retryAfterMs?: number } = {},
  ) {
    super(code, message, opts);
    if (opts.status !== undefined) this.status = opts.status;
    if (opts.retryAfterMs !== undefined) this.retryAfterMs = opts.retryAfterMs;
  }
}

/** The store could not do what was asked; unavailability is retryable, conflicts are not. */
export class StoreError extends GatewayError {}

/** An HTTP API request is wrong; `status` is the answer's status code. */
export class ApiError extends GatewayError {
  readonly status: number;
  constructor(status: number, code: ErrorCode, message: string, opts: GatewayErrorOptions = {}) {
    super(code, message, opts);
    this.status = status;
  }
}

/**
 * Retry semantics as types (after BullMQ): a step that throws UnrecoverableError is dead-lettered at
 * once (JetStream term); one that throws DelayedError is retried after `delayMs` (JetStream nak with delay)
 * without counting as a failure of the endpoint.
 */
export class UnrecoverableError extends GatewayError {
  constructor(message: string, opts: Omit<GatewayErrorOptions, 'retryable'> = {}) {
    super(ErrorCodes.PLUGIN_FAILED, message, { ...opts, retryable: false });
  }
}

export class DelayedError extends GatewayError {
  readonly delayMs: number;
  constructor(message: string, delayMs: number, opts: Omit<GatewayErrorOptions, 'retryable'> = {}) {
    super(ErrorCodes.PLUGIN_FAILED, message, { ...opts, retryable: true });
    this.delayMs = delayMs;
  }
}

export function isGatewayError(err: unknown): err is GatewayError {
  return err instanceof GatewayError;
}

/** JSON pointer (RFC 6901) from path segments. */
export function pointer(...segments: Array<string | number>): string {
  return segments.map((s) => '/' + String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}
