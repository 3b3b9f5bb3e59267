// Media types (RFC 9110 §8.3.1) as `datacontenttype` and `content-type` carry them. Hand-written because
// the parsers in node_modules are only there for express, not dependencies of ours; the grammar is small.

export interface MediaType {
  /** lower-cased, as media types compare case-insensitively */
  type: string;
  subtype: string;
  /** parameter names lower-cased, values unquoted and kept as sent */
  params: Record<string, string>;
}

const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
const QUOTED = '"(?:[\\t \\x21\\x23-\\x5B\\x5D-\\x7E\\x80-\\xFF]|\\\\[\\t \\x21-\\x7E\\x80-\\xFF])*"';
const PARAM = `(${TOKEN})=(${TOKEN}|${QUOTED})`;
// empty parameters (`text/plain;`) are allowed by the grammar and common in the wild
const MEDIA_TYPE = new RegExp(`^(${TOKEN})/(${TOKEN})((?:[ \\t]*;[ \\t]*(?:${PARAM})?)*)$`);
const PARAMS = new RegExp(PARAM, 'g');

/** The media type, or null when `value` does not follow the grammar. */
export function parseMediaType(value: string): MediaType | null {
  const m = MEDIA_TYPE.exec(value);
  if (!m) return null;
  const params: Record<string, string> = {};
  for (const [, name = '', raw = ''] of (m[3] ?? '').matchAll(PARAMS)) {
    params[name.toLowerCase()] = raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw;
  }
  return { type: (m[1] ?? '').toLowerCase(), subtype: (m[2] ?? '').toLowerCase(), params };
}

/** `*\/json` or `*\/*+json`: what the JSON format calls JSON-formatted data. */
export function isJsonMediaType(mt: MediaType): boolean {
  return mt.subtype === 'json' || mt.subtype.endsWith('+json');
}

/** A charset parameter that is absent or UTF-8, the only text encoding the codecs decode. */
export function isUtf8(mt: MediaType): boolean {
  const charset = mt.params['charset']?.toLowerCase();
  return charset === undefined || charset === 'utf-8' || charset === 'utf8';
}
