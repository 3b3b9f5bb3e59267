// The HTTP protocol binding: the content type picks structured, batch or binary mode; in binary mode
// `content-type` is datacontenttype and every other attribute is a `ce-` header.
import type { CloudEvent } from './event.js';
import { decodeBinary, encodeBinary, headerAttributes } from './binary.js';
import { encodeStructured, parseBatch, parseStructured, STRUCTURED_MEDIA_TYPE, type ParseOptions } from './json.js';
import { CONTENT_TYPE, contentMode, eventHeaders, type ContentMode } from './message.js';
import { malformed } from './problems.js';

/** Request headers as node:http gives them; names in any case. */
export type HttpHeaders = Record<string, string | string[] | undefined>;

export interface DecodedHttp {
  mode: ContentMode;
  events: CloudEvent[];
}

/** Headers (lower-case names) and body of an HTTP message carrying one event. */
export interface HttpMessage {
  headers: Record<string, string>;
  body: Uint8Array;
}

/**
 * Validated events from an HTTP request or response. Throws an EventError: MALFORMED, INVALID,
 * TOO_LARGE, or FORMAT_UNSUPPORTED for a CloudEvents format other than JSON (answer 415).
 */
export function decodeHttp(headers: HttpHeaders, body: Uint8Array, opts: ParseOptions = {}): DecodedHttp {
  const found = eventHeaders(Object.entries(headers));
  const contentType = found.get(CONTENT_TYPE);
  const mode = contentMode(contentType);
  if (mode === 'structured') return { mode, events: [parseStructured(body, opts)] };
  if (mode === 'batch') return { mode, events: parseBatch(body, opts) };
  if (found.has('ce-datacontenttype')) {
    throw malformed('/ce-datacontenttype', 'binary mode carries datacontenttype as content-type only');
  }
  const attributes = headerAttributes(found);
  if (contentType !== undefined) attributes.push(['datacontenttype', contentType]);
  return { mode, events: [decodeBinary(attributes, body, opts)] };
}

export function encodeHttp(event: CloudEvent, mode: 'binary' | 'structured'): HttpMessage {
  if (mode === 'structured') {
    return { headers: { [CONTENT_TYPE]: `${STRUCTURED_MEDIA_TYPE}; charset=utf-8` }, body: encodeStructured(event) };
  }
  const { headers, body, contentType } = encodeBinary(event);
  return { headers: contentType === undefined ? headers : { ...headers, [CONTENT_TYPE]: contentType }, body };
}
