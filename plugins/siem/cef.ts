// ArcSight Common Event Format:
//   CEF:0|Vendor|Product|Version|SignatureID|Name|Severity|key=value key=value …
// Header fields escape `\` and `|`; extension values escape `\` and `=` and spell line breaks as `\n`,
// `\r` (so one event stays one line). Extension keys are the CEF dictionary's short names.
import { familyOf } from './activity.js';
import { headerField } from './header.js';
import { displayName } from './mapping.js';
import { textMessage, type FormatterFactory } from './message.js';

const EXTENSION_ESCAPES: Record<string, string> = { '\\': '\\\\', '=': '\\=', '\n': '\\n', '\r': '\\r' };

function extensionValue(value: string): string {
  return value.replace(/[\\=\n\r]/g, (c) => EXTENSION_ESCAPES[c] as string);
}

export const cef: FormatterFactory = (options) => {
  const prefix = ['CEF:0', ...[options.vendor, options.product, options.productVersion].map(headerField)].join('|');
  return (r) => {
    const ipv6 = r.srcIp?.includes(':');
    const pairs: Array<[string, string | number | undefined]> = [
      ['rt', r.time?.getTime()],
      ['externalId', r.event.id],
      ['cat', familyOf(r.activity)],
      ['act', r.activity],
      ['outcome', r.outcome === 'unknown' ? undefined : r.outcome],
      ['suid', r.actor?.id],
      ['suser', displayName(r.actor)],
      ['duid', r.user?.id],
      ['duser', displayName(r.user)],
      ['dpriv', r.role],
      ['src', ipv6 ? undefined : r.srcIp],
      ['c6a2', ipv6 ? r.srcIp : undefined],
      ['c6a2Label', ipv6 ? 'Source IPv6 Address' : undefined],
      ['reason', r.reason],
      ['cs1', r.event.source],
      ['cs1Label', 'CloudEvents source'],
      ['cs2', r.event.subject],
      ['cs2Label', r.event.subject === undefined ? undefined : 'CloudEvents subject'],
    ];
    const extension = pairs
      .filter((p): p is [string, string | number] => p[1] !== undefined)
      .map(([key, value]) => `${key}=${extensionValue(String(value))}`)
      .join(' ');
    return textMessage(`${prefix}|${headerField(r.event.type)}|${headerField(r.message)}|${r.severity}|${extension}`);
  };
};
