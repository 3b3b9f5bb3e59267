// The EventErrors this folder raises, worded one way: every problem is a violation with its pointer, and
// the message repeats the pointers so a log line alone says where to look.
import { ErrorCodes, EventError, type Violation } from '../errors.js';

/** The bytes could not be read as an event at all (bad JSON, bad escapes, wrong framing). */
export function malformed(at: string, message: string, cause?: unknown): EventError {
  return new EventError(ErrorCodes.EVENT_MALFORMED, message, { violations: [{ pointer: at, message }], cause });
}

/** The event was read but breaks the spec; `violations` lists every rule it breaks. */
export function invalid(violations: Violation[], cause?: unknown): EventError {
  return new EventError(ErrorCodes.EVENT_INVALID, `invalid CloudEvent: ${summary(violations)}`, { violations, cause });
}

/** The event, or each of `violations`, is over the configured size. */
export function tooLarge(violations: Violation[]): EventError {
  return new EventError(ErrorCodes.EVENT_TOO_LARGE, `CloudEvent too large: ${summary(violations)}`, { violations });
}

function summary(violations: Violation[]): string {
  return violations.map((v) => `${v.pointer || '(event)'}: ${v.message}`).join('; ');
}

/** A CloudEvents format this gateway does not read; HTTP callers answer 415. */
export function unsupportedFormat(at: string, contentType: string): EventError {
  const message = `unsupported event format ${contentType}: only application/cloudevents+json is read`;
  return new EventError(ErrorCodes.EVENT_FORMAT_UNSUPPORTED, message, { violations: [{ pointer: at, message }] });
}
