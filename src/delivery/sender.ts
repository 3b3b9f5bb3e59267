// One HTTP POST of an outgoing message (undici, keep-alive pool per origin). Redirects are not followed:
// a webhook that moved is a failure the tenant must see. The response body is read only up to a cap.
import type { IncomingHttpHeaders } from 'node:http';
import { Agent, errors as undiciErrors, type Dispatcher } from 'undici';
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
  send(req: SendRequest): Promise<SendResult> {
    const sink = this.#sink(req.url);
    if (sink.refused) return Promise.reject(sink.refused);
    return new Promise<SendResult>((resolve, reject) => {
      const exchange = new Exchange(sink.origin, req.timeoutMs, this.opts.maxResponseBytes, resolve, reject);
      try {
        this.#agent.dispatch(
          {
            origin: sink.origin,
            path: sink.path,
            method: (req.method ?? 'POST') as 'POST',
            headers: req.message.headers,
            body: req.message.body,
            headersTimeout: req.timeoutMs,
            bodyTimeout: req.timeoutMs,
          },
          exchange,
        );
      } catch (err) {
        exchange.onResponseError(undefined, err as Error);
      }
    });
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
 * One request on undici's dispatch API: its callbacks collect the status, the headers and the first
 * `max` bytes of the body straight from the parser. The `request` API would wrap every response in a
 * Readable stream and a promise, which cost more than a typical webhook answer (empty, or a few bytes).
 * One timer bounds the whole exchange, from the wait for a connection to the end of the excerpt.
 */
class Exchange implements Dispatcher.DispatchHandler {
  readonly #started = performance.now();
  readonly #timer: NodeJS.Timeout;
  #controller: Dispatcher.DispatchController | undefined;
  #settled = false;
  #status = 0;
  #headers: Record<string, string> = {};
  #chunks: Buffer[] = [];
  #size = 0;

  constructor(
    private readonly origin: string,
    timeoutMs: number,
    private readonly max: number,
    private readonly resolve: (r: SendResult) => void,
    private readonly reject: (err: DeliveryError) => void,
  ) {
    this.#timer = setTimeout(() => this.#fail(timedOut(origin)), timeoutMs).unref();
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    // the time ran out while the request waited for a connection
    if (this.#settled) controller.abort(timedOut(this.origin));
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders): void {
    if (statusCode < 200) return; // 1xx: the answer is still to come
    this.#status = statusCode;
    for (const k in headers) {
      const v = headers[k];
      if (v !== undefined) this.#headers[k] = Array.isArray(v) ? v.join(', ') : v;
    }
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.#settled) return;
    this.#chunks.push(chunk);
    this.#size += chunk.length;
    if (this.#size < this.max) return;
    // enough for the log: the rest is not read, and the connection goes with it
    this.#succeed();
    controller.abort(new Error('response body past the excerpt cap'));
  }

  onResponseEnd(): void {
    this.#succeed();
  }

  onResponseError(_controller: Dispatcher.DispatchController | undefined, err: Error): void {
    this.#fail(classify(err, this.origin));
  }

  #succeed(): void {
    if (this.#settled) return;
    this.#settled = true;
    clearTimeout(this.#timer);
    this.resolve({ status: this.#status, headers: this.#headers, bodyExcerpt: excerpt(this.#chunks, this.max), durationMs: performance.now() - this.#started });
  }

  #fail(err: DeliveryError): void {
    if (this.#settled) return;
    this.#settled = true;
    clearTimeout(this.#timer);
    this.#controller?.abort(err);
    this.reject(err);
  }
}

const timedOut = (origin: string) => new DeliveryError(ErrorCodes.DELIVERY_TIMEOUT, `${origin} did not answer in time`, { retryable: true });

/** The first `max` bytes as text; `stream: true` holds back a character the cap cut in half instead of turning it into U+FFFD. */
function excerpt(chunks: Buffer[], max: number): string {
  if (chunks.length === 0) return '';
  return new TextDecoder().decode(Buffer.concat(chunks).subarray(0, max), { stream: true });
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
