// The gateway's one in-memory form of a CloudEvent: the JSON format's object (spec 1.0), attributes
// at the top level next to `data` or `data_base64`. Every binding decodes into it and encodes from it,
// so stages never care how an event arrived.

export type AttributeValue = string | number | boolean;

export interface CloudEvent {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  datacontenttype?: string;
  dataschema?: string;
  subject?: string;
  time?: string;
  /** JSON value when the data is JSON (or text), absent when the event has no data */
  data?: unknown;
  /** base64 of binary data; never present together with `data` */
  data_base64?: string;
  /** extension attributes */
  [extension: string]: unknown;
}

export const CONTEXT_ATTRIBUTES = [
  'specversion',
  'id',
  'source',
  'type',
  'datacontenttype',
  'dataschema',
  'subject',
  'time',
] as const;

export const REQUIRED_ATTRIBUTES = ['specversion', 'id', 'source', 'type'] as const;

/** Attribute names of an event, context first then extensions; `data` and `data_base64` are not attributes. */
export function attributeNames(event: CloudEvent): string[] {
  return Object.keys(event).filter((k) => k !== 'data' && k !== 'data_base64');
}
