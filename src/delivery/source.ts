// Reading events back from the ingest stream, which is also the replay log: redelivery and replay never
// keep their own copy of an event.
import type { JetStreamManager } from '@nats-io/jetstream';
import { decodeNats } from '../cloudevents/nats.js';
import type { CloudEvent } from '../cloudevents/event.js';
import { ApiError, ErrorCodes } from '../errors.js';
import { headersToMap } from '../nats/headers.js';

export async function readEvent(jsm: JetStreamManager, stream: string, seq: number | undefined): Promise<CloudEvent> {
  const msg = seq === undefined ? null : await jsm.streams.getMessage(stream, { seq }).catch(() => null);
  if (!msg) {
    throw new ApiError(410, ErrorCodes.API_NOT_FOUND, `the event is no longer in the ingest stream ${stream} (past its retention); it cannot be sent again`);
  }
  return decodeNats(headersToMap(msg.header), msg.data);
}
