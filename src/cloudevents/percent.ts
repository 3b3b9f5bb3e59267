// Header value encoding shared by the HTTP and NATS bindings: attribute values travel as printable ASCII,
// everything else as percent-escaped UTF-8. encodeURIComponent/decodeURIComponent do the UTF-8 work and
// already refuse lone surrogates, overlong forms and truncated sequences; we only pick what gets escaped.
import { pointer } from '../errors.js';
import { invalid, malformed } from './problems.js';

// printable ASCII except space, `"` and `%`, which are escaped so values never need quoting
const NEEDS_ESCAPE = /[^\x21\x23\x24\x26-\x7E]/gu;

/** Percent-encodes an attribute's canonical string for a header value. */
export function percentEncode(value: string): string {
  try {
    return value.replace(NEEDS_ESCAPE, (ch) => encodeURIComponent(ch));
  } catch {
    // only a lone surrogate makes encodeURIComponent throw
    throw invalid([{ pointer: '', message: 'a header value holds a lone surrogate, which has no UTF-8 form' }]);
  }
}

/**
 * Decodes a header value: first the quoted strings older senders may use (RFC 9110 §5.6.4), then one round
 * of percent-decoding. Invalid escapes and bytes that are not UTF-8 are refused, naming `header`.
 */
export function percentDecode(value: string, header: string): string {
  const unquoted = value.includes('"') ? unquote(value, header) : value;
  // most values carry no escape, and decoding one without any cannot fail: the call is skipped for them
  if (!unquoted.includes('%')) return unquoted;
  try {
    return decodeURIComponent(unquoted);
  } catch {
    throw malformed(pointer(header), `header ${header} has an invalid percent-escape or non-UTF-8 bytes`);
  }
}

function unquote(value: string, header: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    if (value[i] !== '"') {
      out += value[i];
      continue;
    }
    for (i++; ; i++) {
      if (value[i] === '\\') i++;
      else if (value[i] === '"') break;
      const ch = value[i];
      if (ch === undefined) throw malformed(pointer(header), `header ${header} has an unterminated quoted string`);
      out += ch;
    }
  }
  return out;
}
