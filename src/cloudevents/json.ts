// The JSON event format, single and batch. Our in-memory CloudEvent already is the format's object, so
// `data` stays whatever JSON value was sent (a string under a non-JSON datacontenttype stays that string,
// never parsed again) and `data_base64` stays base64 until a binary binding needs the bytes.
import { ErrorCodes, EventError, pointer, type Violation } from '../errors.js';
import type { CloudEvent } from './event.js';
import { DEFAULT_MAX_DEPTH, parseJsonText } from './jsontext.js';
import { invalid, malformed, tooLarge } from './problems.js';
import { validateEvent, type ValidateOptions } from './validator.js';

export const STRUCTURED_MEDIA_TYPE = 'application/cloudevents+json';
export const BATCH_MEDIA_TYPE = 'application/cloudevents-batch+json';

export interface ParseOptions extends ValidateOptions {
  /** deepest nesting of objects and arrays in one event, the event object counting as 1; default 64 */
  maxDepth?: number;
}

/** One event in the JSON format, validated. */
export function parseStructured(body: Uint8Array | string, opts: ParseOptions = {}): CloudEvent {
  const value = parseJsonText(body, opts.maxDepth ?? DEFAULT_MAX_DEPTH);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw malformed('', 'a structured event is a JSON object');
  }
  return validateEvent(value, opts);
}

/**
 * A JSON batch, every entry validated. One bad entry fails the batch; the error lists the violations of
 * all entries under their index (`/3/id`), and is TOO_LARGE only when size is all that is wrong.
 */
export function parseBatch(body: Uint8Array | string, opts: ParseOptions = {}): CloudEvent[] {
  // the array adds one level, so each entry gets the same depth as a single event
  const value = parseJsonText(body, (opts.maxDepth ?? DEFAULT_MAX_DEPTH) + 1);
  if (!Array.isArray(value)) throw malformed('', 'a batch is a JSON array of events');
  const events: CloudEvent[] = [];
  const violations: Violation[] = [];
  let onlySize = true;
  value.forEach((entry: unknown, i) => {
    try {
      events.push(validateEvent(entry, opts));
    } catch (err) {
      if (!(err instanceof EventError)) throw err;
      onlySize &&= err.code === ErrorCodes.EVENT_TOO_LARGE;
      violations.push(...err.violations.map((v) => ({ ...v, pointer: pointer(i) + v.pointer })));
    }
  });
  if (violations.length === 0) return events;
  throw onlySize ? tooLarge(violations) : invalid(violations);
}

const utf8 = new TextEncoder();

export function encodeStructured(event: CloudEvent): Uint8Array {
  return utf8.encode(JSON.stringify(event));
}

export function encodeBatch(events: readonly CloudEvent[]): Uint8Array {
  return utf8.encode(JSON.stringify(events));
}
