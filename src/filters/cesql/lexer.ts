// Splits a CESQL expression into tokens. Keywords are recognised case-insensitively; a sign is never
// part of an integer token (the parser folds `-` into a following literal), so `5-3` reads as a
// subtraction rather than two adjacent integers.
import { CesqlCompileError, type Span } from './errors.js';

export type TokenKind = 'integer' | 'string' | 'identifier' | 'keyword' | 'symbol' | 'end';

export interface Token extends Span {
  kind: TokenKind;
  /** integer: its digits; string: its unescaped content; identifier: as written; keyword: upper-case */
  text: string;
}

const KEYWORDS = new Set(['AND', 'OR', 'XOR', 'NOT', 'LIKE', 'EXISTS', 'IN', 'TRUE', 'FALSE']);

const SYMBOLS = ['!=', '<>', '<=', '>=', '(', ')', ',', '*', '/', '%', '+', '-', '=', '<', '>'];
const WORD = /[A-Za-z0-9_]+/y;
const DIGITS = /^[0-9]+$/;
const SPACE = /[ \t\r\n]+/y;

export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  while (true) {
    SPACE.lastIndex = pos;
    if (SPACE.test(source)) pos = SPACE.lastIndex;
    if (pos >= source.length) break;
    const ch = source[pos]!;
    if (ch === "'" || ch === '"') {
      const token = readString(source, pos, ch);
      tokens.push(token);
      pos = token.end;
      continue;
    }
    WORD.lastIndex = pos;
    const word = WORD.exec(source);
    if (word) {
      const text = word[0];
      const upper = text.toUpperCase();
      const kind = DIGITS.test(text) ? 'integer' : KEYWORDS.has(upper) ? 'keyword' : 'identifier';
      tokens.push({ kind, text: kind === 'keyword' ? upper : text, start: pos, end: pos + text.length });
      pos += text.length;
      continue;
    }
    const symbol = SYMBOLS.find((s) => source.startsWith(s, pos));
    if (symbol === undefined) {
      const span = { start: pos, end: pos + 1 };
      throw new CesqlCompileError('parse', `unexpected character ${JSON.stringify(ch)}`, span, source);
    }
    tokens.push({ kind: 'symbol', text: symbol, start: pos, end: pos + symbol.length });
    pos += symbol.length;
  }
  tokens.push({ kind: 'end', text: '', start: source.length, end: source.length });
  return tokens;
}

/**
 * Inside a literal, a doubled delimiter or a backslash before the delimiter stands for the delimiter.
 * Any other backslash is kept with the character after it, because LIKE patterns give `\%`, `\_`
 * and `\\` their own meaning.
 */
function readString(source: string, start: number, quote: string): Token {
  let text = '';
  let pos = start + 1;
  while (pos < source.length) {
    const ch = source[pos]!;
    const next = source[pos + 1];
    if (ch === '\\' && next !== undefined) {
      text += next === quote ? quote : ch + next;
      pos += 2;
    } else if (ch === quote && next === quote) {
      text += quote;
      pos += 2;
    } else if (ch === quote) {
      return { kind: 'string', text, start, end: pos + 1 };
    } else {
      text += ch;
      pos += 1;
    }
  }
  throw new CesqlCompileError('parse', 'unterminated string literal', { start, end: source.length }, source);
}
