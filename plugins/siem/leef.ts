// IBM QRadar Log Event Extended Format 2.0:
//   LEEF:2.0|Vendor|Product|Version|EventID|<delimiter>|key=value<delimiter>key=value…
// The delimiter is declared in the header (a printable character as itself, anything else as xHH).
// LEEF has no escape for the delimiter inside a value, so values have it (and line breaks, which would
// end the event) replaced by a space; header fields escape `\` and `|` with a backslash.
import { familyOf } from './activity.js';
import { headerField } from './header.js';
import { displayName } from './mapping.js';
import { textMessage, type FormatterFactory } from './message.js';

// Java SimpleDateFormat, which QRadar reads devTimeFormat as; devTime is always written in UTC.
const DEV_TIME_FORMAT = "yyyy-MM-dd'T'HH:mm:ss.SSSZ";

export const leef: FormatterFactory = (options) => {
  const delimiter = options.leef.delimiter;
  const declared = /^[!-~]$/.test(delimiter) ? delimiter : `x${delimiter.charCodeAt(0).toString(16).padStart(2, '0')}`;
  const filler = delimiter === ' ' ? '_' : ' ';
  const unsafe = new RegExp(`[\\r\\n${delimiter.replace(/[\\\]^-]/g, '\\$&')}]`, 'g');
  const value = (v: string) => v.replace(unsafe, filler);
  const prefix = ['LEEF:2.0', ...[options.vendor, options.product, options.productVersion].map(headerField)].join('|');

  return (r) => {
    const pairs: Array<[string, string | number | undefined]> = [
      ['devTime', r.time?.toISOString().replace(/Z$/, '+0000')],
      ['devTimeFormat', r.time === undefined ? undefined : DEV_TIME_FORMAT],
      ['cat', familyOf(r.activity)],
      ['act', r.activity],
      // LEEF severities run 1–10
      ['sev', Math.max(1, r.severity)],
      ['outcome', r.outcome],
      ['usrName', displayName(r.user ?? r.actor)],
      ['userId', r.user?.id],
      ['actorName', displayName(r.actor)],
      ['actorId', r.actor?.id],
      ['role', r.role],
      ['src', r.srcIp],
      ['isLoginEvent', r.activity === 'logon' && r.outcome === 'success' ? 'true' : undefined],
      ['isLogoutEvent', r.activity === 'logoff' ? 'true' : undefined],
      ['reason', r.reason],
      ['msg', r.message],
      ['externalId', r.event.id],
      ['eventSource', r.event.source],
      ['eventSubject', r.event.subject],
    ];
    const attributes = pairs
      .filter((p): p is [string, string | number] => p[1] !== undefined)
      .map(([k, v]) => `${k}=${value(String(v))}`)
      .join(delimiter);
    return textMessage(`${prefix}|${headerField(r.event.type)}|${declared}|${attributes}`);
  };
};
