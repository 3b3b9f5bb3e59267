// The syntax tree of a CESQL expression. Parentheses leave no node: they only shape the tree.
import type { Span } from './errors.js';
import type { CesqlValue } from './values.js';

export type LogicOp = 'AND' | 'OR' | 'XOR';
export type EqualityOp = '=' | '!=' | '<>';
export type OrderOp = '<' | '<=' | '>' | '>=';
export type ArithmeticOp = '+' | '-' | '*' | '/' | '%';
export type BinaryOp = LogicOp | EqualityOp | OrderOp | ArithmeticOp;

export type Node = Span &
  (
    | { kind: 'literal'; value: CesqlValue }
    /** `name` is lower-case: attribute names are, and identifiers are case-insensitive */
    | { kind: 'attribute'; name: string }
    | { kind: 'exists'; name: string }
    | { kind: 'not'; operand: Node }
    | { kind: 'negate'; operand: Node }
    | { kind: 'binary'; op: BinaryOp; left: Node; right: Node }
    | { kind: 'like'; negated: boolean; operand: Node; pattern: string }
    | { kind: 'in'; negated: boolean; operand: Node; set: Node[] }
    /** `name` is upper-case: function names are case-insensitive */
    | { kind: 'call'; name: string; args: Node[] }
  );
