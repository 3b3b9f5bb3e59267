// What the HTTP and NATS bindings share about reading a message's headers: case-insensitive names, one
// value per CloudEvents header, and the content mode the content type announces.
import { pointer } from '../errors.js';
import { BATCH_MEDIA_TYPE, STRUCTURED_MEDIA_TYPE } from './json.js';
import { isUtf8, parseMediaType } from './mediatype.js';
import { malformed, unsupportedFormat } from './problems.js';

export type ContentMode = 'binary' | 'structured' | 'batch';

export const ATTRIBUTE_PREFIX = 'ce-';
export const CONTENT_TYPE = 'content-type';

/**
 * The `ce-` headers and the content type, names lower-cased. An attribute appears at most once in an
 * event, so a header repeated (in any case) is refused rather than one copy picked.
 */
export function eventHeaders(entries: Iterable<[string, string | readonly string[] | undefined]>): Map<string, string> {
  const headers = new Map<string, string>();
  for (const [rawName, raw] of entries) {
    const name = rawName.toLowerCase();
    if (!name.startsWith(ATTRIBUTE_PREFIX) && name !== CONTENT_TYPE) continue;
    const values = raw === undefined ? [] : typeof raw === 'string' ? [raw] : raw;
    if (values.length === 0) continue;
    if (values.length > 1 || headers.has(name)) throw malformed(pointer(name), `header ${name} appears more than once`);
    headers.set(name, values[0] as string);
  }
  return headers;
}

/**
 * The mode a content type announces (binding rule: a `application/cloudevents` prefix means structured,
 * `application/cloudevents-batch` batch). Of the CloudEvents formats only JSON in UTF-8 is read; others
 * are refused rather than forwarded as opaque binary data.
 */
export function contentMode(contentType: string | undefined): ContentMode {
  if (!contentType?.toLowerCase().startsWith('application/cloudevents')) return 'binary';
  const media = parseMediaType(contentType);
  const essence = media && isUtf8(media) ? `${media.type}/${media.subtype}` : '';
  if (essence === BATCH_MEDIA_TYPE) return 'batch';
  // a bare `application/cloudevents` can only mean JSON, the one format every implementation reads
  if (essence === STRUCTURED_MEDIA_TYPE || essence === 'application/cloudevents') return 'structured';
  throw unsupportedFormat(pointer(CONTENT_TYPE), contentType);
}
