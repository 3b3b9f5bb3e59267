// Binary content mode as HTTP and NATS share it: attributes in `ce-` headers holding percent-encoded
// canonical strings, data as the raw body. Where datacontenttype travels differs per binding, so the
// bindings place it themselves.
import { pointer } from '../errors.js';
import { attributeNames, type CloudEvent } from './event.js';
import type { ParseOptions } from './json.js';
import { DEFAULT_MAX_DEPTH, parseJsonText, utf8Text } from './jsontext.js';
import { isJsonMediaType, isUtf8, parseMediaType } from './mediatype.js';
import { ATTRIBUTE_PREFIX } from './message.js';
import { percentDecode, percentEncode } from './percent.js';
import { invalid } from './problems.js';
import { validateEvent } from './validator.js';

export interface BinaryMessage {
  /** a `ce-` header for every attribute but datacontenttype */
  headers: Record<string, string>;
  body: Uint8Array;
  /** the body's media type: datacontenttype, or the implied application/json for JSON data */
  contentType?: string;
}

/** Attributes from the `ce-` headers (lower-case names), values percent-decoded. */
export function headerAttributes(headers: ReadonlyMap<string, string>): Array<[string, string]> {
  const attributes: Array<[string, string]> = [];
  for (const [header, value] of headers) {
    if (!header.startsWith(ATTRIBUTE_PREFIX)) continue;
    const name = header.slice(ATTRIBUTE_PREFIX.length);
    // the JSON format's data members are not attributes; as headers they would smuggle in data
    if (name === 'data' || name === 'data_base64') {
      throw invalid([{ pointer: pointer(header), message: `${name} is not an attribute`, rule: 'name' }]);
    }
    attributes.push([name, percentDecode(value, header)]);
  }
  return attributes;
}

/**
 * A validated event from binary-mode attributes and body. The body becomes `data` as a JSON value under a
 * JSON media type, a string under UTF-8 text, and `data_base64` otherwise, including when there is no
 * datacontenttype (nothing may be assumed then). An empty body is no data.
 */
export function decodeBinary(
  attributes: Array<[string, string]>,
  body: Uint8Array,
  opts: ParseOptions = {},
): CloudEvent {
  const contentType = attributes.find(([name]) => name === 'datacontenttype')?.[1];
  return validateEvent(Object.fromEntries([...attributes, ...bodyToData(body, contentType, opts)]), opts);
}

function bodyToData(body: Uint8Array, contentType: string | undefined, opts: ParseOptions): Array<[string, unknown]> {
  if (body.length === 0) return [];
  const media = contentType === undefined ? null : parseMediaType(contentType);
  if (media && isJsonMediaType(media)) {
    // data sits one level inside the event, so the event as a whole keeps to maxDepth
    return [['data', parseJsonText(body, (opts.maxDepth ?? DEFAULT_MAX_DEPTH) - 1, '/data')]];
  }
  const text = media?.type === 'text' && isUtf8(media) ? utf8Text(body) : null;
  // bytes that are not the text they claim stay binary rather than be decoded lossily
  return text === null ? [['data_base64', Buffer.from(body).toString('base64')]] : [['data', text]];
}

const utf8 = new TextEncoder();

export function encodeBinary(event: CloudEvent): BinaryMessage {
  const headers: Record<string, string> = {};
  for (const name of attributeNames(event)) {
    const value = event[name];
    if (name === 'datacontenttype' || value === undefined || value === null) continue;
    headers[ATTRIBUTE_PREFIX + name] = percentEncode(String(value));
  }
  return { headers, ...dataToBody(event) };
}

function dataToBody(event: CloudEvent): Omit<BinaryMessage, 'headers'> {
  const { data, data_base64: base64, datacontenttype: contentType } = event;
  if (base64 !== undefined) return { body: Buffer.from(base64, 'base64'), contentType };
  if (data === undefined) return { body: new Uint8Array(0), contentType };
  const media = contentType === undefined ? null : parseMediaType(contentType);
  // JSON-format events without datacontenttype hold JSON; other bindings must say so explicitly
  if (contentType === undefined || (media && isJsonMediaType(media))) {
    return { body: utf8.encode(JSON.stringify(data)), contentType: contentType ?? 'application/json' };
  }
  if (typeof data === 'string') return { body: utf8.encode(data), contentType };
  // the validator refuses such events; this guards unvalidated ones
  throw invalid([{ pointer: '/data', message: `data must be a string for datacontenttype ${contentType}` }]);
}
