// Engine behaviour the TCK leaves open: fail-fast mode, error positions, compile-time checks, how
// attributes are typed, overflow, precedence and the filter answer of `matches`.
import { expect } from 'chai';
import type { CloudEvent } from '../../../src/cloudevents/event.js';
import { CesqlCompileError, compileCesql } from '../../../src/filters/cesql/mod.js';

const event: CloudEvent = {
  specversion: '1.0',
  id: 'e-1',
  source: '/orders',
  type: 'com.example.order.created',
  subject: 'order-42',
  priority: 7,
  urgent: true,
  ratio: 0.5,
  big: 4_294_967_296,
  tags: ['a', 'b'],
  nothing: null,
  data: { amount: 10 },
};

const evaluate = (expression: string, ev: CloudEvent = event) => compileCesql(expression).evaluate(ev);

function compileError(expression: string): CesqlCompileError {
  try {
    compileCesql(expression);
  } catch (err) {
    if (err instanceof CesqlCompileError) return err;
    throw err;
  }
  expect.fail(`${expression} compiled`);
}

describe('cesql expression', () => {
  describe('evaluation modes', () => {
    it('complete mode keeps evaluating and reports every error', () => {
      const { value, errors } = evaluate('(1 / 0) + (2 % 0) + INT(missing)');
      expect(value).to.equal(0);
      expect(errors.map((e) => e.kind)).to.deep.equal(['math', 'math', 'missingAttribute']);
    });

    it('fail-fast mode stops at the first error and answers the zero value of the expression type', () => {
      const ff = compileCesql('(1 / 0) + (2 % 0) + INT(missing)', { failFast: true }).evaluate(event);
      expect(ff).to.deep.include({ value: 0 });
      expect(ff.errors.map((e) => e.kind)).to.deep.equal(['math']);
    });

    it('fail-fast answers the zero value even where complete mode has a fallback', () => {
      expect(compileCesql('NOT 10').evaluate(event).value).to.equal(true);
      expect(compileCesql('NOT 10', { failFast: true }).evaluate(event).value).to.equal(false);
      expect(compileCesql("LEFT('abc', -1)", { failFast: true }).evaluate(event).value).to.equal('');
    });

    it('an attribute alone has no known type, so its failure answers false', () => {
      expect(compileCesql('nope', { failFast: true }).evaluate(event)).to.deep.include({ value: false });
    });

    it('is reusable: the same compiled expression answers each event on its own', () => {
      const expr = compileCesql('priority > 5');
      expect(expr.evaluate(event)).to.deep.equal({ value: true, errors: [] });
      expect(expr.evaluate({ ...event, priority: 2 })).to.deep.equal({ value: false, errors: [] });
      const { errors } = expr.evaluate({ ...event, priority: undefined });
      expect(errors.map((e) => e.kind)).to.deep.equal(['missingAttribute']);
    });
  });

  describe('error positions', () => {
    it('evaluation errors point at the failing subexpression', () => {
      const expression = "subject = 'order-42' AND 10 / (priority - 7) = 1";
      const start = expression.indexOf('10 /');
      const [error] = evaluate(expression).errors;
      expect(error).to.include({ kind: 'math', start, end: expression.indexOf(' = 1') });
      expect(error!.message).to.equal(`division by zero at offset ${start}`);
    });

    it('a missing attribute points at its name', () => {
      expect(evaluate('1 + colour').errors[0]).to.include({ kind: 'missingAttribute', start: 4, end: 10 });
    });

    it('a failed implicit cast points at the operand being cast', () => {
      expect(evaluate("priority + 'seven'").errors[0]).to.include({ kind: 'cast', start: 11, end: 18 });
    });

    it('parse errors carry the offset of the offending token and the expression', () => {
      const error = compileError("type = 'a' AND AND");
      expect(error).to.include({ kind: 'parse', start: 15, end: 18, expression: "type = 'a' AND AND" });
      expect(error.message).to.equal("unexpected 'AND' at offset 15");
    });

    it('an unterminated string points at its opening quote', () => {
      expect(compileError("subject = 'abc")).to.include({ kind: 'parse', start: 10 });
    });
  });

  describe('compile-time checks', () => {
    for (const [expression, why] of [
      ['', 'empty expression'],
      ['1 +', 'dangling operator'],
      ['(1', 'unclosed parenthesis'],
      ['x IN ()', 'empty IN set'],
      ["x LIKE subject", 'LIKE pattern that is not a string literal'],
      ['2147483648', 'integer literal above the 32-bit range'],
      ['-2147483649', 'integer literal below the 32-bit range'],
      ['my_ext', 'attribute name with an underscore'],
      ['f1(2)', 'function name with a digit'],
      ['a ! b', 'lone !'],
      ['a NOT b', 'NOT that is not before LIKE or IN'],
      ['EXISTS 1', 'EXISTS without an attribute name'],
      ['+ subject', 'unary plus on anything but an integer literal'],
    ] as const) {
      it(`rejects ${why}: ${JSON.stringify(expression)}`, () => {
        expect(compileError(expression).kind).to.equal('parse');
      });
    }

    it('rejects unknown functions and wrong arities when compiling', () => {
      expect(compileError('NOPE(1)')).to.include({ kind: 'missingFunction', start: 0, end: 7 });
      expect(compileError("x = LOWER('a', 'b')")).to.include({ kind: 'missingFunction', start: 4 });
      expect(compileError('SUBSTRING(1)').message).to.match(/no function SUBSTRING takes 1 argument /);
    });

    it('refuses expressions nested too deep for the stack with a parse error, not a RangeError', () => {
      for (const deep of ['('.repeat(100_000) + '1', 'NOT '.repeat(100_000) + 'TRUE', Array(100_000).fill('1').join(' + ')]) {
        expect(compileError(deep).message).to.match(/^expression nests deeper than 1000 levels at offset \d+$/);
      }
    });

    it('still compiles long chains written in practice', () => {
      const types = Array.from({ length: 200 }, (_, i) => `type = 't${i}'`).join(' OR ');
      expect(compileCesql(types).evaluate({ ...event, type: 't199' })).to.deep.equal({ value: true, errors: [] });
    });

    it('accepts the most negative integer literal and signed literals', () => {
      expect(evaluate('-2147483648').value).to.equal(-2147483648);
      expect(evaluate('+5 - -5').value).to.equal(10);
      expect(evaluate('5-3').value).to.equal(2);
    });
  });

  describe('attributes', () => {
    it('exposes integer and boolean extensions with their types', () => {
      expect(evaluate('priority + 1').value).to.equal(8);
      expect(evaluate('urgent AND TRUE').value).to.equal(true);
      expect(evaluate('IS_INT(priority)').value).to.equal(true);
    });

    it('reads other values as strings', () => {
      expect(evaluate('ratio').value).to.equal('0.5');
      expect(evaluate('big').value).to.equal('4294967296');
      expect(evaluate('tags').value).to.equal('["a","b"]');
    });

    it('treats data, data_base64 and null values as absent', () => {
      expect(evaluate('EXISTS data OR EXISTS nothing')).to.deep.equal({ value: false, errors: [] });
      expect(evaluate('data').errors.map((e) => e.kind)).to.deep.equal(['missingAttribute']);
    });

    it('reads identifiers case-insensitively, as attribute names are lower-case', () => {
      expect(evaluate('SUBJECT = subject AND Priority = 7').value).to.equal(true);
    });
  });

  describe('operators', () => {
    it('groups AND, OR and XOR to the right, as the grammar does', () => {
      // left grouping would give (FALSE AND FALSE) OR TRUE = true
      expect(evaluate('FALSE AND FALSE OR TRUE').value).to.equal(false);
      expect(evaluate('(FALSE AND FALSE) OR TRUE').value).to.equal(true);
    });

    it('binds prefix NOT tighter than comparisons', () => {
      // (NOT FALSE) = FALSE
      expect(evaluate('NOT FALSE = FALSE').value).to.equal(false);
    });

    it('clamps integer overflow and raises a MathError', () => {
      expect(evaluate('2147483647 + 1')).to.deep.include({ value: 2147483647 });
      expect(evaluate('-2147483648 - 1').value).to.equal(-2147483648);
      expect(evaluate('-(-2147483648)').errors.map((e) => e.kind)).to.deep.equal(['math']);
      expect(evaluate('-2147483648 / -1').value).to.equal(2147483647);
      expect(evaluate('65536 * 65536').errors.map((e) => e.kind)).to.deep.equal(['math']);
    });

    it('truncates division toward zero and gives the remainder the sign of the dividend', () => {
      expect(evaluate('-7 / 2').value).to.equal(-3);
      expect(evaluate('-7 % 2').value).to.equal(-1);
      expect(evaluate('7 % -2').value).to.equal(1);
      expect(Object.is(evaluate('-4 % 2').value, 0)).to.equal(true);
    });

    it('casts an IN set to the type of the left operand', () => {
      expect(evaluate("priority IN ('7', 'eight')")).to.deep.include({ value: true });
      expect(evaluate("subject NOT IN ('order-41', id)").value).to.equal(true);
    });

    it('evaluates a failed operand to the zero value of the enclosing operator', () => {
      expect(evaluate('LENGTH(missing)').value).to.equal(0);
      expect(evaluate("CONCAT('a', missing)").value).to.equal('');
      expect(evaluate('missing IN (1)').value).to.equal(false);
    });
  });

  describe('functions', () => {
    it('resolves names case-insensitively and overloads by arity', () => {
      expect(evaluate("substring('abcdef', 2)").value).to.equal('bcdef');
      expect(evaluate("Substring('abcdef', 2, 2)").value).to.equal('bc');
    });

    it('counts characters as code points', () => {
      expect(evaluate("LENGTH('h\u00e9\u{1F600}')").value).to.equal(3);
      expect(evaluate("RIGHT('a\u{1F600}', 1)").value).to.equal('\u{1F600}');
      expect(evaluate("SUBSTRING('\u{1F600}xy', -2, 1)").value).to.equal('x');
    });

    it('trims Unicode white space only', () => {
      expect(evaluate("TRIM('\u00a0\u2003 a \u3000')").value).to.equal('a');
      expect(evaluate("LENGTH(TRIM('\ufeffa'))").value).to.equal(2);
    });

    it('IS_INT and IS_BOOL tell whether a string casts', () => {
      expect(evaluate("IS_INT('-12') AND NOT IS_INT('1.5') AND NOT IS_INT('99999999999')").value).to.equal(true);
      expect(evaluate("IS_BOOL('False') AND NOT IS_BOOL('yes')").value).to.equal(true);
    });

    it('casts arguments to the parameter types', () => {
      expect(evaluate('LEFT(12345, TRUE)').value).to.equal('1');
      expect(evaluate("ABS('-3')").value).to.equal(3);
    });
  });

  describe('matches', () => {
    it('is true only for a Boolean true without errors', () => {
      expect(compileCesql("type LIKE 'com.example.%'").matches(event)).to.equal(true);
      expect(compileCesql("type LIKE 'org.%'").matches(event)).to.equal(false);
      expect(compileCesql("'true'").matches(event)).to.equal(false);
      expect(compileCesql('1').matches(event)).to.equal(false);
      // true in complete mode, but with a CastError
      expect(compileCesql('NOT 10').matches(event)).to.equal(false);
      expect(compileCesql('missing OR TRUE').matches(event)).to.equal(false);
    });
  });
});
