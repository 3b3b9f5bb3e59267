// The CESQL error model. Evaluation never throws: it returns a value together with the errors raised
// on the way, each a plain record (no Error, no stack capture: a filter may raise one per event).
// Only compilation throws, with a real Error, because a broken expression is a caller's mistake.

export type CesqlErrorKind =
  | 'parse'
  | 'math'
  | 'cast'
  | 'missingFunction'
  | 'functionEvaluation'
  | 'missingAttribute'
  | 'generic';

/** Where in the expression text something sits: offsets of UTF-16 units, `end` excluded. */
export interface Span {
  start: number;
  end: number;
}

export interface CesqlError extends Span {
  kind: CesqlErrorKind;
  message: string;
}

export function cesqlError(kind: CesqlErrorKind, message: string, span: Span): CesqlError {
  return { kind, message: `${message} at offset ${span.start}`, start: span.start, end: span.end };
}

/** An expression that cannot be compiled: a syntax error, or a call no function matches. */
export class CesqlCompileError extends Error implements CesqlError {
  readonly kind: 'parse' | 'missingFunction';
  readonly start: number;
  readonly end: number;
  readonly expression: string;

  constructor(kind: 'parse' | 'missingFunction', message: string, span: Span, expression: string) {
    super(cesqlError(kind, message, span).message);
    this.name = 'CesqlCompileError';
    this.kind = kind;
    this.start = span.start;
    this.end = span.end;
    this.expression = expression;
  }
}
