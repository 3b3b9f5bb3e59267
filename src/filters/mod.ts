// Event filters: the Subscriptions API dialects, the CESQL engine behind `sql`, and the schema for both.
export { compileFilters, type AttributeFilter, type EventPredicate, type FilterSpec } from './dialects.js';
export { filterSpecSchema } from './schema.js';
export { attributeString, attributeValue } from './attributes.js';
export * from './cesql/mod.js';
