// How filters see an event's attributes. Context attributes are strings; extensions keep the
// CloudEvents type their JSON form carries (Boolean, Integer); anything else is read as a string.
// `data` and `data_base64` are not attributes, and a null value is an absent attribute.
import type { CloudEvent } from '../cloudevents/event.js';
import { isInt32, type CesqlValue } from './cesql/values.js';

const NOT_ATTRIBUTES = new Set(['data', 'data_base64']);

/** The attribute's value, or `undefined` when the event has no such attribute. */
export function attributeValue(event: Readonly<CloudEvent>, name: string): CesqlValue | undefined {
  if (NOT_ATTRIBUTES.has(name) || !Object.hasOwn(event, name)) return undefined;
  const raw = event[name];
  switch (typeof raw) {
    case 'string':
    case 'boolean':
      return raw;
    case 'number':
      return isInt32(raw) ? raw : String(raw);
    case 'undefined':
      return undefined;
    case 'object':
      return raw === null ? undefined : JSON.stringify(raw);
    default:
      return String(raw);
  }
}

/** The attribute's canonical string form (`true`, `42`, …), or `undefined` when absent. */
export function attributeString(event: Readonly<CloudEvent>, name: string): string | undefined {
  const value = attributeValue(event, name);
  return value === undefined ? undefined : String(value);
}
