import { expect } from 'chai';
import type { CloudEvent } from '../../src/cloudevents/event.js';
import { ErrorCodes, GatewayError, type Violation } from '../../src/errors.js';
import { compileFilters, type FilterSpec } from '../../src/filters/mod.js';

const push: CloudEvent = {
  specversion: '1.0',
  id: 'evt-1',
  source: 'https://github.com/cloudevents/spec',
  type: 'com.github.push',
  subject: 'refs/heads/main',
  attempt: 3,
  replay: false,
};
const release: CloudEvent = {
  ...push,
  id: 'evt-2',
  type: 'com.github.release.created',
  subject: undefined,
  attempt: 12,
};

const matches = (filters: FilterSpec[], event: CloudEvent) => compileFilters(filters)(event);

function violationsOf(filters: unknown, where?: string): Violation[] {
  try {
    compileFilters(filters, where);
  } catch (err) {
    expect(err).to.be.instanceOf(GatewayError);
    expect((err as GatewayError).code).to.equal(ErrorCodes.FILTER_INVALID);
    return (err as GatewayError).violations;
  }
  return expect.fail('the filters compiled');
}

describe('filter dialects', () => {
  describe('attribute dialects', () => {
    it('exact compares whole values, case-sensitively', () => {
      expect(matches([{ exact: { type: 'com.github.push' } }], push)).to.equal(true);
      expect(matches([{ exact: { type: 'com.github.PUSH' } }], push)).to.equal(false);
      expect(matches([{ exact: { type: 'com.github' } }], push)).to.equal(false);
    });

    it('prefix and suffix compare the start and the end', () => {
      expect(matches([{ prefix: { type: 'com.github.' } }], release)).to.equal(true);
      expect(matches([{ suffix: { type: '.created' } }], release)).to.equal(true);
      expect(matches([{ suffix: { type: '.created' } }], push)).to.equal(false);
    });

    it('requires every attribute of one filter to hold', () => {
      expect(matches([{ exact: { type: 'com.github.push', subject: 'refs/heads/main' } }], push)).to.equal(true);
      expect(matches([{ exact: { type: 'com.github.push', subject: 'refs/heads/dev' } }], push)).to.equal(false);
    });

    it('never matches an absent attribute', () => {
      expect(matches([{ prefix: { subject: 'refs' } }], release)).to.equal(false);
      expect(matches([{ exact: { nosuch: 'x' } }], push)).to.equal(false);
      expect(matches([{ not: { prefix: { subject: 'refs' } } }], release)).to.equal(true);
    });

    it('compares extension values in their canonical string form', () => {
      expect(matches([{ exact: { attempt: '3', replay: 'false' } }], push)).to.equal(true);
      expect(matches([{ prefix: { attempt: '1' } }], release)).to.equal(true);
      expect(matches([{ exact: { attempt: '03' } }], push)).to.equal(false);
    });
  });

  describe('composition', () => {
    it('lets every event through an empty filters array', () => {
      expect(matches([], push)).to.equal(true);
    });

    it('requires every filter of the array to hold', () => {
      const filters: FilterSpec[] = [{ prefix: { type: 'com.github.' } }, { exact: { subject: 'refs/heads/main' } }];
      expect(matches(filters, push)).to.equal(true);
      expect(matches(filters, release)).to.equal(false);
    });

    it('nests all, any and not', () => {
      const filters: FilterSpec[] = [
        {
          any: [
            { all: [{ exact: { type: 'com.github.push' } }, { not: { exact: { subject: 'refs/heads/dev' } } }] },
            { all: [{ suffix: { type: '.created' } }, { sql: 'attempt > 10' }] },
          ],
        },
      ];
      expect(matches(filters, push)).to.equal(true);
      expect(matches(filters, release)).to.equal(true);
      expect(matches(filters, { ...push, subject: 'refs/heads/dev' })).to.equal(false);
      expect(matches(filters, { ...release, attempt: 2 })).to.equal(false);
      expect(matches([{ not: { not: { exact: { id: 'evt-1' } } } }], push)).to.equal(true);
    });
  });

  describe('sql', () => {
    it('matches when the expression is TRUE', () => {
      expect(matches([{ sql: "source LIKE '%cloudevents%' AND attempt >= 3" }], push)).to.equal(true);
      expect(matches([{ sql: 'attempt < 3' }], push)).to.equal(false);
    });

    it('does not match when evaluation raises an error, even inside not', () => {
      expect(matches([{ sql: "subject = 'x' OR TRUE" }], release)).to.equal(false);
      expect(matches([{ sql: 'attempt / (attempt - 3) = 0' }], push)).to.equal(false);
      // the sql filter is false, so its negation holds
      expect(matches([{ not: { sql: "subject = 'x'" } }], release)).to.equal(true);
    });

    it('does not match a result that is not a Boolean', () => {
      expect(matches([{ sql: "'true'" }], push)).to.equal(false);
      expect(matches([{ sql: 'attempt' }], push)).to.equal(false);
    });
  });

  describe('invalid specs', () => {
    it('points at a CESQL parse error deep in the tree, with the parser message', () => {
      const violations = violationsOf([
        { exact: { type: 'a' } },
        { all: [{ sql: 'type = ' }, { exact: { id: 'x' } }] },
      ]);
      expect(violations).to.have.length(1);
      expect(violations[0]).to.include({ pointer: '/filters/1/all/0/sql', rule: 'cesql.parse' });
      expect(violations[0]!.message).to.equal('CESQL: unexpected end of expression at offset 7');
    });

    it('reports unknown CESQL functions', () => {
      const [violation] = violationsOf([{ sql: 'NOPE(type)' }]);
      expect(violation).to.include({ pointer: '/filters/0/sql', rule: 'cesql.missingFunction' });
    });

    it('reports every problem at once, under the given base pointer', () => {
      const violations = violationsOf(
        [
          { exact: { type: '' } },
          { regex: 'x' },
          { exact: { type: 'a' }, prefix: { type: 'b' } },
          { any: [] },
          { not: 'x' },
        ],
        '/config/filters',
      );
      expect(violations.map((v) => v.pointer)).to.deep.equal([
        '/config/filters/0/exact/type',
        '/config/filters/1/regex',
        '/config/filters/2',
        '/config/filters/3/any',
        '/config/filters/4/not',
      ]);
      expect(violations[1]!.message).to.match(/unknown filter dialect 'regex'/);
    });

    it('rejects empty and malformed values', () => {
      const cases: Array<[unknown, string]> = [
        [{ filters: [] }, '/filters'],
        [[null], '/filters/0'],
        [[[]], '/filters/0'],
        [[{}], '/filters/0'],
        [[{ exact: {} }], '/filters/0/exact'],
        [[{ prefix: ['type'] }], '/filters/0/prefix'],
        [[{ suffix: { type: 1 } }], '/filters/0/suffix/type'],
        [[{ exact: { Type: 'x' } }], '/filters/0/exact/Type'],
        [[{ exact: { 'a/b': 'x' } }], '/filters/0/exact/a~1b'],
        [[{ all: {} }], '/filters/0/all'],
        [[{ not: [] }], '/filters/0/not'],
        [[{ sql: '' }], '/filters/0/sql'],
        [[{ sql: 42 }], '/filters/0/sql'],
      ];
      for (const [filters, at] of cases) {
        expect(violationsOf(filters).map((v) => v.pointer), JSON.stringify(filters)).to.deep.equal([at]);
      }
    });

    it('bounds the nesting depth, so no request body can exhaust the stack', () => {
      const nest = (levels: number): unknown => {
        let filter: unknown = { exact: { type: 'com.github.push' } };
        for (let i = 1; i < levels; i++) filter = i % 2 === 0 ? { not: filter } : { all: [filter] };
        return filter;
      };
      // 64 levels: 32 `all` wrapping 31 `not` (an odd count) around the exact filter
      expect(compileFilters([nest(64)])(push)).to.equal(false);
      const [violation] = violationsOf([nest(100_000)]);
      expect(violation!.rule).to.equal('maxDepth');
      // the first filter past the bound: 64 steps (`all/0` or `not`) below the top one
      expect(violation!.pointer.split('/').filter((s) => s === 'all' || s === 'not')).to.have.length(64);
    });

    it('names the first problem in the error message', () => {
      try {
        compileFilters([{ sql: '1 +' }, { exact: {} }]);
        expect.fail('compiled');
      } catch (err) {
        expect((err as Error).message).to.match(/^invalid filter at \/filters\/0\/sql: CESQL: .* \(and 1 more\)$/);
      }
    });
  });
});
