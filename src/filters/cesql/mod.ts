// CloudEvents SQL (CESQL v1): compile an expression once, evaluate it per event.
export { compileCesql, type CesqlExpression, type CesqlOptions, type CesqlResult } from './expression.js';
export { CesqlCompileError, type CesqlError, type CesqlErrorKind } from './errors.js';
export type { CesqlType, CesqlValue } from './values.js';
