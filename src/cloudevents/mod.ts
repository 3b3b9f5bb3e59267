// Public face of the CloudEvents folder: the event type, the validator, the JSON format and the HTTP and
// NATS bindings. Everything else here is a building block of those.
export { attributeNames, CONTEXT_ATTRIBUTES, REQUIRED_ATTRIBUTES } from './event.js';
export type { AttributeValue, CloudEvent } from './event.js';
export { DEFAULT_MAX_EVENT_BYTES, validateEvent } from './validator.js';
export type { ValidateOptions } from './validator.js';
export { DEFAULT_MAX_DEPTH } from './jsontext.js';
export {
  BATCH_MEDIA_TYPE,
  encodeBatch,
  encodeStructured,
  parseBatch,
  parseStructured,
  STRUCTURED_MEDIA_TYPE,
} from './json.js';
export type { ParseOptions } from './json.js';
export { decodeHttp, encodeHttp } from './http.js';
export type { DecodedHttp, HttpHeaders, HttpMessage } from './http.js';
export { decodeNats, encodeNats } from './nats.js';
export type { NatsMessage } from './nats.js';
export type { ContentMode } from './message.js';
export { percentDecode, percentEncode } from './percent.js';
export { isJsonMediaType, parseMediaType } from './mediatype.js';
export type { MediaType } from './mediatype.js';
