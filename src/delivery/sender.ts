// One HTTP POST of an outgoing message (undici, keep-alive pool per origin). Redirects are not followed:
// a webhook that moved is a failure the tenant must see. The response body is read only up to a cap.
import { EventEmitter } from 'node:events';
import type { Readable } from 'node:stream';
import { Agent, errors as undiciErrors } from 'undici';
import type { OutgoingMessage } from '../pipeline/types.js';
import { DeliveryError, ErrorCodes, isGatewayError } from '../errors.js';
import type { SsrfGuard } from './ssrf.js';

export interface SendRequest {
  url: string;
  method?: string;
  message: OutgoingMessage;
  timeoutMs: number;
}

export interface SendResult {
  status: number;
  headers: Record<string, string>;
  bodyExcerpt: string;
  durationMs: number;
}

/** A sink URL taken apart once: a target's URL repeats for every delivery, and parsing it each time showed. */
interface Sink {
  origin: string;
  path: string;
  /** why the SSRF guard or the https-only switch refuses it */
  refused?: DeliveryError;
}
/** Distinct URLs remembered; beyond it the memo starts over (a cache, so forgetting only costs a parse). */
const MAX_SINKS = 10_000;

export class Sender {
  readonly #agent: Agent;
  readonly #sinks = new Map<string, Sink>();

  constructor(
    private readonly opts: { guard: SsrfGuard; httpsOnly: boolean; maxResponseBytes: number; connections?: number },
  ) {
    this.#agent = new Agent({
      connections: opts.connections ?? 64,
      keepAliveTimeout: 30_000,
      connect: { lookup: opts.guard.lookup },
    });
  }

  /** Resolves with any HTTP answer; throws DeliveryError for network failures, timeouts and refusals. */
  async send(req: SendRequest): Promise<SendResult> {
    const sink = this.#sink(req.url);
    if (sink.refused) throw sink.refused;
    const started = performance.now();
    const deadline = new Deadline(req.timeoutMs, () => timedOut(sink.origin));
    try {
      const res = await this.#agent.request({
        origin: sink.origin,
        path: sink.path,
        method: (req.method ?? 'POST') as 'POST',
        headers: req.message.headers,
        body: req.message.body,
        headersTimeout: req.timeoutMs,
        bodyTimeout: req.timeoutMs,
        signal: deadline,
      });
      const bodyExcerpt = await readCapped(res.body, this.opts.maxResponseBytes);
      const headers: Record<string, string> = {};
      for (const k in res.headers) {
        const v = res.headers[k];
        if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
      }
      return { status: res.statusCode, headers, bodyExcerpt, durationMs: performance.now() - started };
    } catch (err) {
      throw classify(err, sink.origin);
    } finally {
      deadline.clear();
    }
  }

  async close(): Promise<void> {
    await this.#agent.close();
  }

  #sink(raw: string): Sink {
    let sink = this.#sinks.get(raw);
    if (sink) return sink;
    const url = new URL(raw);
    sink = { origin: url.origin, path: url.pathname + url.search };
    try {
      if (this.opts.httpsOnly && url.protocol !== 'https:') {
        throw new DeliveryError(ErrorCodes.SSRF_BLOCKED, `refused ${url.origin}: only https sinks are allowed (delivery.ssrf.httpsOnly)`);
      }
      this.opts.guard.assertHost(url.hostname);
    } catch (err) {
      sink.refused = err as DeliveryError;
    }
    if (this.#sinks.size >= MAX_SINKS) this.#sinks.clear();
    this.#sinks.set(raw, sink);
    return sink;
  }
}

/**
 * The limit on the whole exchange, connecting to the end of the excerpt, in the EventEmitter form of signal
 * that undici accepts. AbortSignal.timeout costs an EventTarget, a timer and a finalizer per request, which
 * showed as 3 % of the gateway's CPU at full load.
 */
class Deadline extends EventEmitter {
  aborted = false;
  reason: Error | undefined;
  readonly #timer: NodeJS.Timeout;

  constructor(ms: number, error: () => Error) {
    super();
    this.#timer = setTimeout(() => {
      this.aborted = true;
      this.reason = error();
      this.emit('abort');
    }, ms).unref();
  }

  clear(): void {
    clearTimeout(this.#timer);
  }
}

const timedOut = (origin: string) => new DeliveryError(ErrorCodes.DELIVERY_TIMEOUT, `${origin} did not answer in time`, { retryable: true });

/**
 * The first `max` bytes of the body, then the rest is dropped. Listeners rather than `for await`: the async
 * iterator's promise per chunk cost more than the usual empty or tiny webhook answer.
 */
function readCapped(body: Readable, max: number): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let ended = false;
    const done = () => {
      ended = true;
      if (chunks.length === 0) return resolve('');
      // `stream: true` holds back a character the cap cut in half instead of turning it into U+FFFD
      resolve(new TextDecoder().decode(Buffer.concat(chunks).subarray(0, max), { stream: true }));
    };
    body.on('data', (chunk: Buffer) => {
      if (ended) return;
      chunks.push(chunk);
      size += chunk.length;
      if (size < max) return;
      done();
      body.destroy();
    });
    body.once('end', done);
    body.once('error', reject);
    body.once('close', () => {
      if (!ended) reject(new Error('the response ended before its body did'));
    });
  });
}

function classify(err: unknown, origin: string): DeliveryError {
  if (isGatewayError(err) && err instanceof DeliveryError) return err;
  const cause = (err as { cause?: unknown }).cause;
  if (cause instanceof DeliveryError) return cause;
  const e = err as Error & { code?: string };
  if (
    e instanceof undiciErrors.HeadersTimeoutError ||
    e instanceof undiciErrors.BodyTimeoutError ||
    e instanceof undiciErrors.ConnectTimeoutError
  ) {
    return new DeliveryError(ErrorCodes.DELIVERY_TIMEOUT, `${origin} did not answer in time`, { retryable: true, cause: err });
  }
  return new DeliveryError(ErrorCodes.DELIVERY_NETWORK, `cannot reach ${origin}: ${e.code ?? ''} ${e.message}`.trim(), {
    retryable: true,
    cause: err,
  });
}
