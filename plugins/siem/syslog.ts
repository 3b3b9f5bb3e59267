// RFC 5424 syslog messages:
//   <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [SD-ID param="value" …] MSG
// Header fields are printable US-ASCII within RFC limits (others become `_`, overlong ones are cut),
// `-` stands for an absent value, PARAM-VALUEs escape `"`, `\` and `]`, and a MSG that is not plain
// ASCII starts with the UTF-8 BOM. With `octetCounting`, each message is framed as RFC 6587 `LEN SP MSG`.
import { hostname as osHostname } from 'node:os';
import { familyOf } from './activity.js';
import { displayName } from './mapping.js';
import { textMessage, type FormatterFactory } from './message.js';

const NIL = '-';

/** 0–10 -> RFC 5424 severity (0 Emergency … 7 Debug); nothing here is an emergency. */
const SYSLOG_SEVERITY = [7, 6, 6, 6, 5, 5, 4, 3, 3, 2, 1] as const;

function headerField(value: string | undefined, max: number): string {
  if (value === undefined || value === '') return NIL;
  // by code point, so a character outside the BMP becomes one `_`, not two
  return Array.from(value.replace(/[^!-~]/gu, '_')).slice(0, max).join('');
}

function paramValue(value: string): string {
  return value.replace(/["\\\]]/g, (c) => `\\${c}`);
}

function element(id: string, params: Array<[string, string | number | undefined]>): string {
  const set = params.filter((p): p is [string, string | number] => p[1] !== undefined);
  return `[${id}${set.map(([name, v]) => ` ${name}="${paramValue(String(v))}"`).join('')}]`;
}

const encoder = new TextEncoder();

export const syslog: FormatterFactory = (options) => {
  const o = options.syslog;
  const host = headerField(o.hostname ?? osHostname(), 255);
  const app = headerField(o.appName ?? options.product, 48);
  const proc = headerField(o.procId, 128);
  const ceId = `cloudevents@${o.enterpriseId}`;
  const siemId = `siem@${o.enterpriseId}`;

  return (r) => {
    const pri = o.facility * 8 + (SYSLOG_SEVERITY[r.severity] ?? 6);
    const timestamp = r.time?.toISOString() ?? NIL;
    const sd =
      element(ceId, [
        ['id', r.event.id],
        ['source', r.event.source],
        ['type', r.event.type],
        ['subject', r.event.subject],
      ]) +
      element(siemId, [
        ['category', familyOf(r.activity)],
        ['activity', r.activity],
        ['outcome', r.outcome],
        ['severity', r.severity],
        ['actor', displayName(r.actor)],
        ['actorId', r.actor?.id],
        ['user', displayName(r.user)],
        ['userId', r.user?.id],
        ['role', r.role],
        ['src', r.srcIp],
        ['reason', r.reason],
      ]);
    const msg = /^[\x00-\x7f]*$/.test(r.message) ? r.message : `\uFEFF${r.message}`;
    const line = `<${pri}>1 ${timestamp} ${host} ${app} ${proc} ${headerField(r.event.type, 32)} ${sd} ${msg}`;
    if (!o.octetCounting) return textMessage(line);
    const bytes = encoder.encode(line);
    const prefix = encoder.encode(`${bytes.length} `);
    const framed = new Uint8Array(prefix.length + bytes.length);
    framed.set(prefix);
    framed.set(bytes, prefix.length);
    return textMessage(framed);
  };
};
