// Publishing a CloudEvent into the ingest stream (HTTP ingress, `ceg publish`, operational events). The
// `Nats-Msg-Id` is derived from (source, id), so JetStream drops a resend within its duplicate window; NATS
// producers are advised to set the same header (see README).
import { createHash } from 'node:crypto';
import type { JetStreamClient } from '@nats-io/jetstream';
import { encodeNats } from '../cloudevents/nats.js';
import type { CloudEvent } from '../cloudevents/event.js';
import { ErrorCodes, GatewayError } from '../errors.js';
import { mapToHeaders } from '../nats/headers.js';
import { ingestSubject } from '../nats/subjects.js';

/** hex SHA-256 of `source` + LF + `id`: the recommended Nats-Msg-Id of an event. */
export function eventMsgId(event: Pick<CloudEvent, 'source' | 'id'>): string {
  return createHash('sha256').update(event.source).update('\n').update(event.id).digest('hex');
}

export class EventPublisher {
  constructor(
    private readonly js: JetStreamClient,
    private readonly subjectPrefix: string,
  ) {}

  /** Resolves once JetStream has stored the event (or recognised it as a duplicate). */
  async publish(
    event: CloudEvent,
    mode: 'structured' | 'binary' = 'structured',
  ): Promise<{ subject: string; stream: string; seq: number; duplicate: boolean }> {
    const { headers, data } = encodeNats(event, mode);
    const subject = ingestSubject(this.subjectPrefix, event.type);
    try {
      const ack = await this.js.publish(subject, data, {
        headers: mapToHeaders(headers),
        msgID: eventMsgId(event),
      });
      return { subject, stream: ack.stream, seq: ack.seq, duplicate: ack.duplicate };
    } catch (err) {
      throw new GatewayError(ErrorCodes.NATS_PUBLISH, `cannot store the event in JetStream: ${(err as Error).message}`, {
        cause: err,
        retryable: true,
      });
    }
  }
}
