// The dead-letter stream: what the gateway could not take or could not deliver, with the reason in
// headers (code, JSON pointer, message) so an operator can find and replay it.
import type { JetStreamClient } from '@nats-io/jetstream';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { ErrorCodes, isGatewayError } from '../errors.js';
import { deadLetterSubject } from './subjects.js';

export const DLQ_HEADERS = {
  code: 'Ceg-Error-Code',
  pointer: 'Ceg-Error-Pointer',
  message: 'Ceg-Error-Message',
  violations: 'Ceg-Error-Violations',
  stage: 'Ceg-Stage',
  origin: 'Ceg-Origin',
  target: 'Ceg-Target',
  attempts: 'Ceg-Attempts',
} as const;

export interface DeadLetter {
  stage: 'ingest' | 'delivery';
  /** the event type when known, for the subject */
  type?: string;
  error: unknown;
  /** the original body, unchanged */
  body: Uint8Array;
  /** original headers to carry over */
  headers?: Iterable<[string, string[]]>;
  /** where it came from, e.g. `CEG_EVENTS:42` or `http` */
  origin: string;
  target?: string;
  attempts?: number;
  /** dedupes a dead letter published twice after a crash */
  msgId?: string;
}

export class DeadLetterPublisher {
  constructor(
    private readonly js: JetStreamClient,
    private readonly prefix: string,
  ) {}

  async publish(dl: DeadLetter): Promise<void> {
    const h = natsHeaders();
    for (const [k, vs] of dl.headers ?? []) for (const v of vs) h.append(k, v);
    const err = dl.error;
    const code = isGatewayError(err) ? err.code : ErrorCodes.INTERNAL;
    const first = isGatewayError(err) ? err.violations[0] : undefined;
    h.set(DLQ_HEADERS.code, code);
    h.set(DLQ_HEADERS.stage, dl.stage);
    h.set(DLQ_HEADERS.origin, dl.origin);
    // header values are one line: newlines from messages would break the wire format
    h.set(DLQ_HEADERS.message, oneLine(first ? `${first.pointer}: ${first.message}` : (err as Error)?.message ?? String(err)));
    if (first) h.set(DLQ_HEADERS.pointer, first.pointer);
    if (isGatewayError(err) && err.violations.length) {
      h.set(DLQ_HEADERS.violations, oneLine(JSON.stringify(err.violations)).slice(0, 8000));
    }
    if (dl.target) h.set(DLQ_HEADERS.target, dl.target);
    if (dl.attempts !== undefined) h.set(DLQ_HEADERS.attempts, String(dl.attempts));
    await this.js.publish(deadLetterSubject(this.prefix, dl.stage, dl.type ?? 'unknown'), dl.body, {
      headers: h,
      msgID: dl.msgId,
    });
  }
}

function oneLine(s: string): string {
  return s.replace(/[\r\n]+/g, ' ').slice(0, 2000);
}
