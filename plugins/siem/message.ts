// What every format returns: the bytes and their content type. Line formats are UTF-8 text, the others
// one JSON document per event.
import type { OutgoingMessage } from '../../src/pipeline/types.js';
import type { SiemOptions } from './config.js';
import type { SiemRecord } from './mapping.js';

/** Built once per step from the options; runs once per event. */
export type Formatter = (record: SiemRecord) => OutgoingMessage;
export type FormatterFactory = (options: SiemOptions) => Formatter;

const encoder = new TextEncoder();

export function textMessage(body: string | Uint8Array): OutgoingMessage {
  return {
    body: typeof body === 'string' ? encoder.encode(body) : body,
    headers: { 'content-type': 'text/plain; charset=utf-8' },
  };
}

export function jsonMessage(value: unknown): OutgoingMessage {
  return { body: encoder.encode(JSON.stringify(value)), headers: { 'content-type': 'application/json' } };
}
