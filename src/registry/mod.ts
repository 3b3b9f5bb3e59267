// The schema registry's public face.
export {
  SchemaRegistry,
  type SchemaRegistryOptions,
  type EventTypeInfo,
  type EventSchemaVersion,
  type SchemaListing,
} from './registry.js';
export type { UnknownTypes, UnknownTypePolicy } from './policy.js';
