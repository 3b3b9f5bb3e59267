// Recursive-descent parser with precedence climbing for the binary operators. Hand-written because no
// maintained CESQL parser exists for JavaScript, and the grammar is small enough that generating one
// (ANTLR runtime, case-changing streams) would cost more than it saves.
//
// Precedence, loosest first, as the spec's grammar orders it: AND/OR/XOR (one level, grouping to the
// right as in the grammar; operands are still evaluated left to right), comparisons, + -, * / %,
// [NOT] IN, [NOT] LIKE, then the prefix NOT and -, then atoms, calls, EXISTS and parentheses.
import type { BinaryOp, Node } from './ast.js';
import { CesqlCompileError, type Span } from './errors.js';
import { tokenize, type Token } from './lexer.js';
import { INT_MAX, INT_MIN } from './values.js';

interface Level {
  prec: number;
  rightAssoc: boolean;
}

const BINARY: Record<string, Level> = {
  AND: { prec: 1, rightAssoc: true },
  OR: { prec: 1, rightAssoc: true },
  XOR: { prec: 1, rightAssoc: true },
  '=': { prec: 2, rightAssoc: false },
  '!=': { prec: 2, rightAssoc: false },
  '<>': { prec: 2, rightAssoc: false },
  '<': { prec: 2, rightAssoc: false },
  '<=': { prec: 2, rightAssoc: false },
  '>': { prec: 2, rightAssoc: false },
  '>=': { prec: 2, rightAssoc: false },
  '+': { prec: 3, rightAssoc: false },
  '-': { prec: 3, rightAssoc: false },
  '*': { prec: 4, rightAssoc: false },
  '/': { prec: 4, rightAssoc: false },
  '%': { prec: 4, rightAssoc: false },
};
const IN_PREC = 5;
const LIKE_PREC = 6;

// Parsing, compiling and evaluating each recurse once per level, and expressions come from tenants:
// refusing deeper ones keeps any expression from exhausting the stack. Hand-written filters stay far
// below; the count is conservative (an operator, a parenthesis or a prefix NOT each adds a level).
export const MAX_DEPTH = 1000;

const ATTRIBUTE_NAME = /^[A-Za-z0-9]+$/;
const FUNCTION_NAME = /^[A-Za-z][A-Za-z_]*$/;

export function parse(source: string): Node {
  return new Parser(source).parseRoot();
}

class Parser {
  private readonly tokens: Token[];
  private index = 0;
  private depth = 0;

  constructor(private readonly source: string) {
    this.tokens = tokenize(source);
  }

  parseRoot(): Node {
    const node = this.parseExpression(0);
    const rest = this.peek();
    if (rest.kind !== 'end') throw this.error(`unexpected ${describe(rest)}`, rest);
    return node;
  }

  private parseExpression(minPrec: number): Node {
    const entry = this.depth;
    this.descend(this.peek());
    let left = this.parseUnary();
    for (;;) {
      const token = this.peek();
      const postfix = this.postfixKeyword();
      // each operator wraps `left` one level deeper, although the loop itself does not recurse
      if (postfix === 'LIKE' && LIKE_PREC >= minPrec) {
        this.descend(token);
        left = this.parseLike(left);
      } else if (postfix === 'IN' && IN_PREC >= minPrec) {
        this.descend(token);
        left = this.parseIn(left);
      } else if (postfix === undefined && isOperator(token) && BINARY[token.text]!.prec >= minPrec) {
        this.descend(token);
        const level = BINARY[token.text]!;
        this.next();
        const right = this.parseExpression(level.rightAssoc ? level.prec : level.prec + 1);
        left = { kind: 'binary', op: token.text as BinaryOp, left, right, start: left.start, end: right.end };
      } else {
        this.depth = entry;
        return left;
      }
    }
  }

  private descend(at: Span): void {
    if (++this.depth > MAX_DEPTH) throw this.error(`expression nests deeper than ${MAX_DEPTH} levels`, at);
  }

  /** `LIKE` or `IN` when the next tokens are `[NOT] LIKE` or `[NOT] IN`. */
  private postfixKeyword(): 'LIKE' | 'IN' | undefined {
    let token = this.peek();
    if (isKeyword(token, 'NOT')) token = this.peek(1);
    if (isKeyword(token, 'LIKE')) return 'LIKE';
    if (isKeyword(token, 'IN')) return 'IN';
    return undefined;
  }

  private parseLike(operand: Node): Node {
    const negated = this.acceptKeyword('NOT');
    this.next(); // LIKE
    const pattern = this.next();
    if (pattern.kind !== 'string') {
      throw this.error(`LIKE takes a string literal pattern, not ${describe(pattern)}`, pattern);
    }
    return { kind: 'like', negated, operand, pattern: pattern.text, start: operand.start, end: pattern.end };
  }

  private parseIn(operand: Node): Node {
    const negated = this.acceptKeyword('NOT');
    this.next(); // IN
    this.expectSymbol('(', 'after IN');
    const set = this.parseList();
    const close = this.expectSymbol(')', 'to close the IN set');
    return { kind: 'in', negated, operand, set, start: operand.start, end: close.end };
  }

  private parseUnary(): Node {
    const token = this.peek();
    if (isKeyword(token, 'NOT')) {
      this.next();
      this.descend(token);
      const operand = this.parseUnary();
      this.depth--;
      return { kind: 'not', operand, start: token.start, end: operand.end };
    }
    if (isSymbol(token, '-') || isSymbol(token, '+')) {
      this.next();
      const digits = this.peek();
      // A signed literal is one value, so -2147483648 is valid although 2147483648 is not.
      if (digits.kind === 'integer') return this.integerLiteral(this.next(), token);
      if (token.text === '+') throw this.error(`unexpected ${describe(digits)} after '+'`, digits);
      this.descend(token);
      const operand = this.parseUnary();
      this.depth--;
      return { kind: 'negate', operand, start: token.start, end: operand.end };
    }
    return this.parsePrimary();
  }

  private parsePrimary(): Node {
    const token = this.next();
    switch (token.kind) {
      case 'integer':
        return this.integerLiteral(token);
      case 'string':
        return { kind: 'literal', value: token.text, start: token.start, end: token.end };
      case 'identifier':
        return isSymbol(this.peek(), '(') ? this.parseCall(token) : this.attribute(token);
      case 'keyword':
        if (token.text === 'TRUE' || token.text === 'FALSE') {
          return { kind: 'literal', value: token.text === 'TRUE', start: token.start, end: token.end };
        }
        if (token.text === 'EXISTS') {
          const name = this.next();
          if (name.kind !== 'identifier') {
            throw this.error(`EXISTS takes an attribute name, not ${describe(name)}`, name);
          }
          return { ...this.attribute(name), kind: 'exists', start: token.start };
        }
        break;
      case 'symbol':
        if (token.text === '(') {
          const inner = this.parseExpression(0);
          const close = this.expectSymbol(')', 'to close the parenthesis');
          return { ...inner, start: token.start, end: close.end };
        }
        break;
      case 'end':
        break;
    }
    throw this.error(`unexpected ${describe(token)}`, token);
  }

  private parseCall(name: Token): Node {
    if (!FUNCTION_NAME.test(name.text)) throw this.error(`invalid function name '${name.text}'`, name);
    this.next(); // (
    const args = isSymbol(this.peek(), ')') ? [] : this.parseList();
    const close = this.expectSymbol(')', `to close the arguments of ${name.text}`);
    return { kind: 'call', name: name.text.toUpperCase(), args, start: name.start, end: close.end };
  }

  private parseList(): Node[] {
    const items = [this.parseExpression(0)];
    while (isSymbol(this.peek(), ',')) {
      this.next();
      items.push(this.parseExpression(0));
    }
    return items;
  }

  private attribute(token: Token): Node & { kind: 'attribute' } {
    if (!ATTRIBUTE_NAME.test(token.text)) {
      throw this.error(`invalid attribute name '${token.text}' (letters and digits only)`, token);
    }
    return { kind: 'attribute', name: token.text.toLowerCase(), start: token.start, end: token.end };
  }

  private integerLiteral(digits: Token, sign?: Token): Node {
    const value = Number(sign?.text === '-' ? '-' + digits.text : digits.text);
    const span = { start: sign?.start ?? digits.start, end: digits.end };
    if (value < INT_MIN || value > INT_MAX) throw this.error('integer literal out of the 32-bit range', span);
    return { kind: 'literal', value: value | 0, ...span };
  }

  private expectSymbol(symbol: string, why: string): Token {
    const token = this.next();
    if (!isSymbol(token, symbol)) throw this.error(`expected '${symbol}' ${why}, found ${describe(token)}`, token);
    return token;
  }

  private acceptKeyword(keyword: string): boolean {
    if (!isKeyword(this.peek(), keyword)) return false;
    this.next();
    return true;
  }

  private peek(ahead = 0): Token {
    return this.tokens[Math.min(this.index + ahead, this.tokens.length - 1)]!;
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== 'end') this.index++;
    return token;
  }

  private error(message: string, span: Span): CesqlCompileError {
    return new CesqlCompileError('parse', message, span, this.source);
  }
}

function isKeyword(token: Token, keyword: string): boolean {
  return token.kind === 'keyword' && token.text === keyword;
}

function isSymbol(token: Token, symbol: string): boolean {
  return token.kind === 'symbol' && token.text === symbol;
}

function isOperator(token: Token): boolean {
  return (token.kind === 'symbol' || token.kind === 'keyword') && Object.hasOwn(BINARY, token.text);
}

function describe(token: Token): string {
  switch (token.kind) {
    case 'end':
      return 'end of expression';
    case 'string':
      return 'string literal';
    case 'integer':
      return `integer ${token.text}`;
    default:
      return `'${token.text}'`;
  }
}
