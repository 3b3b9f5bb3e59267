// The siem plugin's config: its JSON Schema (checked by the pipeline before setup) and the resolution
// into complete options, with the checks a schema cannot express (type patterns, LEEF delimiter, a
// per-format section given for another format).
import { pointer, type Violation } from '../../src/errors.js';
import { ACTIVITY_NAMES } from './activity.js';
import { configInvalid } from './errors.js';
import { OUTCOMES, type RuleSpec } from './mapping.js';
import { MAX_SEVERITY, MIN_SEVERITY } from './severity.js';

export const FORMATS = ['cef', 'leef', 'ocsf', 'ecs', 'splunk-hec', 'syslog'] as const;
export type Format = (typeof FORMATS)[number];

export interface SiemConfig {
  format: Format;
  vendor?: string;
  product?: string;
  productVersion?: string;
  /** type pattern -> field selections, tried before the built-in mapping in the order written */
  mapping?: Record<string, RuleSpec>;
  /** level names (case-insensitive) -> 0–10, added to the built-in names (INFO, WARN, HIGH, …) */
  severityNames?: Record<string, number>;
  leef?: { delimiter?: string };
  syslog?: { facility?: number | FacilityName; appName?: string; hostname?: string; procId?: string; enterpriseId?: string; octetCounting?: boolean };
  splunk?: { index?: string; sourcetype?: string; host?: string; source?: string };
}

/** RFC 5424 facility codes by their conventional names. */
export const FACILITIES = {
  kern: 0, user: 1, mail: 2, daemon: 3, auth: 4, syslog: 5, lpr: 6, news: 7, uucp: 8, cron: 9, authpriv: 10,
  ftp: 11, ntp: 12, audit: 13, alert: 14, clock: 15,
  local0: 16, local1: 17, local2: 18, local3: 19, local4: 20, local5: 21, local6: 22, local7: 23,
} as const;
export type FacilityName = keyof typeof FACILITIES;

const text = { type: 'string', minLength: 1 } as const;
const pointers = {
  anyOf: [
    { type: 'string', pattern: '^/' },
    { type: 'array', minItems: 1, items: { type: 'string', pattern: '^/' } },
  ],
  description: 'JSON pointer(s) into the event, e.g. /data/actor/id or /authid; the first that yields a value wins',
} as const;
const party = {
  type: 'object',
  additionalProperties: false,
  properties: { id: pointers, name: pointers, email: pointers },
} as const;
// RFC 5424 header fields: printable US-ASCII without spaces, bounded length
const printable = (max: number) => ({ type: 'string', pattern: `^[!-~]{1,${max}}$` }) as const;

const rule = {
  type: 'object',
  additionalProperties: false,
  properties: {
    activity: { enum: ACTIVITY_NAMES },
    severity: { anyOf: [{ type: 'integer', minimum: MIN_SEVERITY, maximum: MAX_SEVERITY }, pointers] },
    outcome: { anyOf: [{ enum: OUTCOMES }, pointers] },
    time: pointers,
    actor: party,
    user: party,
    srcIp: pointers,
    reason: pointers,
    role: pointers,
    message: pointers,
  },
} as const;

export const configSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['format'],
  properties: {
    format: { enum: FORMATS },
    vendor: { ...text, description: 'default "CloudEvents"' },
    product: { ...text, description: 'default "cloudevents-gateway"' },
    productVersion: { ...text, description: 'default the plugin version' },
    mapping: { type: 'object', additionalProperties: rule },
    severityNames: {
      type: 'object',
      additionalProperties: { type: 'integer', minimum: MIN_SEVERITY, maximum: MAX_SEVERITY },
    },
    leef: {
      type: 'object',
      additionalProperties: false,
      properties: {
        delimiter: { type: 'string', pattern: '^(.|0?x[0-9A-Fa-f]{1,2})$', description: 'one character or its hex code (x5E, 0x09); default tab' },
      },
    },
    syslog: {
      type: 'object',
      additionalProperties: false,
      properties: {
        facility: { anyOf: [{ type: 'integer', minimum: 0, maximum: 23 }, { enum: Object.keys(FACILITIES) }], description: 'default auth (4)' },
        appName: printable(48),
        hostname: printable(255),
        procId: printable(128),
        enterpriseId: { type: 'string', maxLength: 20, pattern: '^[0-9]+(\\.[0-9]+)*$', description: 'IANA private enterprise number of the SD-IDs; default 32473' },
        octetCounting: { type: 'boolean', description: 'RFC 6587 framing: prefix each message with its length in octets' },
      },
    },
    splunk: {
      type: 'object',
      additionalProperties: false,
      properties: { index: text, sourcetype: text, host: text, source: text },
    },
  },
} as const;

/** Everything a formatter needs, defaults applied. */
export interface SiemOptions {
  format: Format;
  vendor: string;
  product: string;
  productVersion: string;
  leef: { delimiter: string };
  syslog: { facility: number; appName?: string; hostname?: string; procId?: string; enterpriseId: string; octetCounting: boolean };
  splunk: { index?: string; sourcetype: string; host?: string; source?: string };
}

// Sections that belong to one format: naming another is almost surely a copy-paste slip.
const SECTIONS = { leef: 'leef', syslog: 'syslog', splunk: 'splunk-hec' } as const satisfies Record<string, Format>;

export function resolveOptions(config: SiemConfig, pluginVersion: string): SiemOptions {
  const violations: Violation[] = [];
  for (const [section, format] of Object.entries(SECTIONS)) {
    if (config[section as keyof typeof SECTIONS] !== undefined && config.format !== format) {
      violations.push({ pointer: pointer(section), message: `applies to format "${format}" only, not "${config.format}"`, rule: 'format' });
    }
  }
  const delimiter = leefDelimiter(config.leef?.delimiter ?? '\t');
  if (delimiter === undefined) {
    violations.push({
      pointer: pointer('leef', 'delimiter'),
      message: 'must be one ASCII character (or its hex code) other than a letter, a digit, "=", "|", "\\", CR or LF',
      rule: 'delimiter',
    });
  }
  if (violations.length > 0) throw configInvalid(violations);
  const { facility = 'auth', ...syslog } = config.syslog ?? {};
  return {
    format: config.format,
    vendor: config.vendor ?? 'CloudEvents',
    product: config.product ?? 'cloudevents-gateway',
    productVersion: config.productVersion ?? pluginVersion,
    leef: { delimiter: delimiter ?? '\t' },
    syslog: {
      ...syslog,
      facility: typeof facility === 'number' ? facility : FACILITIES[facility],
      enterpriseId: syslog.enterpriseId ?? '32473',
      octetCounting: syslog.octetCounting ?? false,
    },
    splunk: { sourcetype: 'cloudevents', ...config.splunk },
  };
}

/** The delimiter character a LEEF `delimiter` setting names, or undefined when it cannot separate attributes. */
function leefDelimiter(setting: string): string | undefined {
  const hex = /^0?x([0-9A-Fa-f]{1,2})$/.exec(setting);
  const char = hex ? String.fromCharCode(parseInt(hex[1] as string, 16)) : setting;
  // anything a key, a value's escape or the line itself needs cannot also split attributes
  return /^[\x01-\x7f]$/.test(char) && !/[A-Za-z0-9=|\\\r\n]/.test(char) ? char : undefined;
}
