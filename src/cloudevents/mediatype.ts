// Media types (RFC 9110 §8.3.1) as `datacontenttype` and `content-type` carry them. Hand-written because
// the parsers in node_modules are only there for express, not dependencies of ours; the grammar is small.

/** Shared by every caller that parsed the same text, so frozen. */
export interface MediaType {
  /** lower-cased, as media types compare case-insensitively */
  readonly type: string;
  readonly subtype: string;
  /** parameter names lower-cased, values unquoted and kept as sent */
  readonly params: Readonly<Record<string, string>>;
}

const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
const QUOTED = '"(?:[\\t \\x21\\x23-\\x5B\\x5D-\\x7E\\x80-\\xFF]|\\\\[\\t \\x21-\\x7E\\x80-\\xFF])*"';
const PARAM = `(${TOKEN})=(${TOKEN}|${QUOTED})`;
// empty parameters (`text/plain;`) are allowed by the grammar and common in the wild
const MEDIA_TYPE = new RegExp(`^(${TOKEN})/(${TOKEN})((?:[ \\t]*;[ \\t]*(?:${PARAM})?)*)$`);
const PARAMS = new RegExp(PARAM, 'g');

// An event's media type is parsed by its decoder, its validation and its encoder, and a producer sends the
// same few: the regular expressions cost ~3 µs per event at one subscription (`npm run bench`), a look-up
// far less. Bounded, so a producer inventing parameters cannot grow it.
const PARSED = new Map<string, MediaType | null>();
const MAX_PARSED = 256;

/** The media type, or null when `value` does not follow the grammar. */
export function parseMediaType(value: string): MediaType | null {
  let parsed = PARSED.get(value);
  if (parsed !== undefined) return parsed;
  parsed = parse(value);
  if (PARSED.size >= MAX_PARSED) PARSED.clear();
  PARSED.set(value, parsed);
  return parsed;
}

function parse(value: string): MediaType | null {
  const m = MEDIA_TYPE.exec(value);
  if (!m) return null;
  const params: Record<string, string> = {};
  for (const [, name = '', raw = ''] of (m[3] ?? '').matchAll(PARAMS)) {
    params[name.toLowerCase()] = raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw;
  }
  return Object.freeze({ type: (m[1] ?? '').toLowerCase(), subtype: (m[2] ?? '').toLowerCase(), params: Object.freeze(params) });
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
