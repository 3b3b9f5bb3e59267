// One HTTP POST of an outgoing message (undici, keep-alive pool per origin). Redirects are not followed:
// a webhook that moved is a failure the tenant must see. The response body is read only up to a cap.
import { EventEmitter } from 'node:events';
import { Agent, errors as undiciErrors, request } from 'undici';
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

export class Sender {
  readonly #agent: Agent;

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
    const url = new URL(req.url);
    if (this.opts.httpsOnly && url.protocol !== 'https:') {
      throw new DeliveryError(ErrorCodes.SSRF_BLOCKED, `refused ${url.origin}: only https sinks are allowed (delivery.ssrf.httpsOnly)`);
    }
    this.opts.guard.assertHost(url.hostname);
    const started = performance.now();
    const deadline = new Deadline(req.timeoutMs, () => timedOut(url));
    try {
      const res = await request(url, {
        method: (req.method ?? 'POST') as 'POST',
        headers: req.message.headers,
        body: req.message.body,
        dispatcher: this.#agent,
        headersTimeout: req.timeoutMs,
        bodyTimeout: req.timeoutMs,
        signal: deadline,
      });
      const bodyExcerpt = await readCapped(res.body, this.opts.maxResponseBytes);
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
      return { status: res.statusCode, headers, bodyExcerpt, durationMs: performance.now() - started };
    } catch (err) {
      throw classify(err, url);
    } finally {
      deadline.clear();
    }
  }

  async close(): Promise<void> {
    await this.#agent.close();
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

const timedOut = (url: URL) => new DeliveryError(ErrorCodes.DELIVERY_TIMEOUT, `${url.origin} did not answer in time`, { retryable: true });

async function readCapped(body: AsyncIterable<Buffer> & { destroy(): void }, max: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= max) {
      body.destroy();
      break;
    }
  }
  // `stream: true` holds back a character the cap cut in half instead of turning it into U+FFFD
  return new TextDecoder().decode(Buffer.concat(chunks).subarray(0, max), { stream: true });
}

function classify(err: unknown, url: URL): DeliveryError {
  if (isGatewayError(err) && err instanceof DeliveryError) return err;
  const cause = (err as { cause?: unknown }).cause;
  if (cause instanceof DeliveryError) return cause;
  const e = err as Error & { code?: string };
  if (
    e instanceof undiciErrors.HeadersTimeoutError ||
    e instanceof undiciErrors.BodyTimeoutError ||
    e instanceof undiciErrors.ConnectTimeoutError
  ) {
    return new DeliveryError(ErrorCodes.DELIVERY_TIMEOUT, `${url.origin} did not answer in time`, { retryable: true, cause: err });
  }
  return new DeliveryError(ErrorCodes.DELIVERY_NETWORK, `cannot reach ${url.origin}: ${e.code ?? ''} ${e.message}`.trim(), {
    retryable: true,
    cause: err,
  });
}
