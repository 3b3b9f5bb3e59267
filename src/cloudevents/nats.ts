// The NATS protocol binding. Unlike HTTP, binary mode keeps datacontenttype in `ce-datacontenttype`, and
// there is no batch mode. Free of NATS client types: callers turn MsgHdrs into a Map and back.
import { pointer } from '../errors.js';
import type { CloudEvent } from './event.js';
import { decodeBinary, encodeBinary, headerAttributes } from './binary.js';
import { encodeStructured, parseStructured, STRUCTURED_MEDIA_TYPE, type ParseOptions } from './json.js';
import { ATTRIBUTE_PREFIX, CONTENT_TYPE, contentMode, eventHeaders } from './message.js';
import { percentEncode } from './percent.js';
import { unsupportedFormat } from './problems.js';

/** Header names and values of a NATS message to publish. */
export interface NatsMessage {
  headers: Record<string, string>;
  data: Uint8Array;
}

/**
 * A validated event from a NATS message. Structured when the content type says so, and also when no
 * `ce-` header is present: publishers without headers (servers before 2.2) can only send the JSON format.
 */
export function decodeNats(
  headers: ReadonlyMap<string, string[]> | undefined,
  data: Uint8Array,
  opts: ParseOptions = {},
): CloudEvent {
  const found = eventHeaders(headers ?? []);
  const contentType = found.get(CONTENT_TYPE);
  const mode = contentMode(contentType);
  if (mode === 'batch') throw unsupportedFormat(pointer(CONTENT_TYPE), contentType ?? '');
  const attributes = headerAttributes(found);
  if (mode === 'structured' || attributes.length === 0) return parseStructured(data, opts);
  return decodeBinary(attributes, data, opts);
}

export function encodeNats(event: CloudEvent, mode: 'binary' | 'structured'): NatsMessage {
  if (mode === 'structured') {
    return { headers: { [CONTENT_TYPE]: STRUCTURED_MEDIA_TYPE }, data: encodeStructured(event) };
  }
  const { headers, body, contentType } = encodeBinary(event);
  if (contentType !== undefined) headers[`${ATTRIBUTE_PREFIX}datacontenttype`] = percentEncode(contentType);
  return { headers, data: body };
}
