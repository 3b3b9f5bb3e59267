// The gateway's own CloudEvents 1.0 validator. Strict where the SDK is lenient: nothing is filled in, every
// violation is reported at once with its JSON pointer, so a producer fixes an event in one round trip.
import { pointer, type Violation } from '../errors.js';
import { CONTEXT_ATTRIBUTES, REQUIRED_ATTRIBUTES, type CloudEvent } from './event.js';
import { isJsonMediaType, parseMediaType } from './mediatype.js';
import { invalid, tooLarge } from './problems.js';
import { isBase64, isInteger, isTimestamp, isUri, isUriReference, stringProblem } from './typesystem.js';

export interface ValidateOptions {
  /** largest accepted event, in UTF-8 bytes of its JSON format encoding */
  maxBytes?: number;
  /** also enforce the spec's SHOULDs on names: at most 20 characters, starting with a letter */
  strictNames?: boolean;
}

export const DEFAULT_MAX_EVENT_BYTES = 256 * 1024;

type Check = (value: unknown) => string | null;

/** A non-empty String, then `more` on it. Every core attribute is one (or has a string encoding in JSON). */
function text(more: (value: string) => string | null = () => null): Check {
  return (value) => {
    if (typeof value !== 'string') return 'must be a string';
    if (value === '') return 'must not be empty';
    return stringProblem(value) ?? more(value);
  };
}

const CORE_CHECKS: Record<(typeof CONTEXT_ATTRIBUTES)[number], Check> = {
  specversion: text((v) => (v === '1.0' ? null : 'must be "1.0"')),
  id: text(),
  source: text((v) => (isUriReference(v) ? null : 'must be a URI-reference (RFC 3986)')),
  type: text(),
  datacontenttype: text((v) => (parseMediaType(v) ? null : 'must be a media type such as "application/json"')),
  dataschema: text((v) => (isUri(v) ? null : 'must be an absolute URI (RFC 3986), with a scheme')),
  subject: text(),
  time: text((v) => (isTimestamp(v) ? null : 'must be an RFC 3339 timestamp such as "2018-04-05T17:31:00Z"')),
};

const checkExtension: Check = (value) => {
  if (typeof value === 'string') return stringProblem(value);
  if (typeof value === 'boolean') return null;
  if (typeof value === 'number') return isInteger(value) ? null : 'must be a whole number in the 32-bit signed range';
  return 'must be a String, Integer or Boolean';
};

function checkName(name: string, strict: boolean): string | null {
  if (!/^[a-z0-9]+$/.test(name)) return 'attribute names are non-empty and use only a-z and 0-9';
  if (strict && name.length > 20) return 'attribute names should not exceed 20 characters';
  if (strict && !/^[a-z]/.test(name)) return 'attribute names should start with a letter';
  return null;
}

function isCore(name: string): name is keyof typeof CORE_CHECKS {
  return Object.hasOwn(CORE_CHECKS, name);
}

function rank(name: string): number {
  return isCore(name) ? CONTEXT_ATTRIBUTES.indexOf(name) : CONTEXT_ATTRIBUTES.length;
}

/**
 * Checks `input` against CloudEvents 1.0 in the JSON format and returns it normalized: unset (`null`)
 * attributes dropped, core attributes first. Throws an EventError listing every violation:
 * `CEG_ERR_EVENT_INVALID`, or `CEG_ERR_EVENT_TOO_LARGE` when only the size is wrong.
 */
export function validateEvent(input: unknown, opts: ValidateOptions = {}): CloudEvent {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw invalid([{ pointer: '', message: 'an event is a JSON object', rule: 'type' }]);
  }
  const fields = input as Record<string, unknown>;
  const violations: Violation[] = [];
  const accepted: Array<[string, unknown]> = [];

  for (const [name, value] of Object.entries(fields)) {
    if (name === 'data' || name === 'data_base64') continue;
    const nameProblem = checkName(name, opts.strictNames ?? false);
    if (nameProblem) {
      violations.push({ pointer: pointer(name), message: nameProblem, rule: 'name' });
      continue;
    }
    // the JSON format reads null as "unset"
    if (value === null || value === undefined) continue;
    const problem = isCore(name) ? CORE_CHECKS[name](value) : checkExtension(value);
    if (problem) violations.push({ pointer: pointer(name), message: `${name} ${problem}`, rule: 'type' });
    else accepted.push([name, value]);
  }
  for (const name of REQUIRED_ATTRIBUTES) {
    if (fields[name] === null || fields[name] === undefined) {
      violations.push({ pointer: pointer(name), message: `${name} is required`, rule: 'required' });
    }
  }
  violations.push(...dataViolations(fields));
  if (violations.length > 0) throw invalid(violations);

  // core attributes in spec order, then extensions as sent (sort is stable)
  accepted.sort(([a], [b]) => rank(a) - rank(b));
  const payload = Object.entries(fields).filter(([name, value]) =>
    name === 'data' ? value !== undefined : name === 'data_base64' && value !== null && value !== undefined,
  );
  const event = Object.fromEntries([...accepted, ...payload]) as CloudEvent;
  checkSize(event, opts.maxBytes ?? DEFAULT_MAX_EVENT_BYTES);
  return event;
}

function dataViolations(fields: Record<string, unknown>): Violation[] {
  const { data, data_base64: base64, datacontenttype } = fields;
  if (base64 !== null && base64 !== undefined) {
    const found: Violation[] = [];
    if (data !== undefined) {
      found.push({ pointer: '/data_base64', message: 'data and data_base64 exclude each other', rule: 'exclusive' });
    }
    if (typeof base64 !== 'string' || !isBase64(base64)) {
      found.push({ pointer: '/data_base64', message: 'data_base64 must be padded base64 (RFC 4648)', rule: 'type' });
    }
    return found;
  }
  const media = typeof datacontenttype === 'string' ? parseMediaType(datacontenttype) : null;
  // the JSON format can only carry non-JSON content as its string encoding
  if (data !== undefined && media && !isJsonMediaType(media) && typeof data !== 'string') {
    const message = `data must be a string for datacontenttype ${datacontenttype}`;
    return [{ pointer: '/data', message, rule: 'type' }];
  }
  return [];
}

function checkSize(event: CloudEvent, maxBytes: number): void {
  let size: number;
  try {
    size = Buffer.byteLength(JSON.stringify(event));
  } catch (err) {
    throw invalid([{ pointer: '/data', message: 'data is not representable as JSON', rule: 'type' }], err);
  }
  if (size > maxBytes) {
    const message = `event is ${size} bytes in the JSON format, over the limit of ${maxBytes}`;
    throw tooLarge([{ pointer: '', message, rule: 'size' }]);
  }
}
