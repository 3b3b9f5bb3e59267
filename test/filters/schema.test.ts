// The exported JSON Schema and compileFilters must agree on what a filters array is (bar CESQL syntax,
// which only the compiler checks).
import { expect } from 'chai';
import { Ajv } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { compileFilters, filterSpecSchema } from '../../src/filters/mod.js';

const valid: unknown[] = [
  [],
  [{ exact: { type: 'com.example.a', subject: 's' } }],
  [{ prefix: { source: 'https://' } }, { suffix: { type: '.created' } }],
  [{ all: [{ any: [{ not: { exact: { id: '1' } } }, { sql: 'EXISTS subject' }] }] }],
];

const invalid: unknown[] = [
  {},
  [null],
  [{}],
  [{ regex: 'a' }],
  [{ exact: { type: 'a' }, sql: 'TRUE' }],
  [{ exact: {} }],
  [{ exact: { type: '' } }],
  [{ exact: { Type: 'a' } }],
  [{ prefix: { type: 1 } }],
  [{ all: [] }],
  [{ any: [{ exact: 'type' }] }],
  [{ not: [] }],
  [{ sql: '' }],
];

const compiles = (filters: unknown): boolean => {
  try {
    compileFilters(filters);
    return true;
  } catch {
    return false;
  }
};

describe('filterSpecSchema', () => {
  for (const [name, ajv] of [
    ['draft-07', new Ajv()],
    ['draft 2020-12', new Ajv2020()],
  ] as const) {
    it(`agrees with compileFilters (${name})`, () => {
      const validate = ajv.compile(filterSpecSchema);
      for (const filters of valid) {
        expect(validate(filters), JSON.stringify(filters)).to.equal(true);
        expect(compiles(filters), JSON.stringify(filters)).to.equal(true);
      }
      for (const filters of invalid) {
        expect(validate(filters), JSON.stringify(filters)).to.equal(false);
        expect(compiles(filters), JSON.stringify(filters)).to.equal(false);
      }
    });
  }

  it('works embedded in a larger schema', () => {
    const validate = new Ajv().compile({
      type: 'object',
      properties: { config: { type: 'object', properties: { filters: filterSpecSchema } } },
    });
    expect(validate({ config: { filters: [{ not: { exact: { type: 'a' } } }] } })).to.equal(true);
    expect(validate({ config: { filters: [{ not: { exact: { type: 1 } } }] } })).to.equal(false);
    expect(validate.errors?.[0]?.instancePath).to.equal('/config/filters/0/not/exact/type');
  });

  it('cannot see CESQL syntax errors, which compileFilters reports', () => {
    expect(new Ajv().compile(filterSpecSchema)([{ sql: 'a AND' }])).to.equal(true);
    expect(compiles([{ sql: 'a AND' }])).to.equal(false);
  });
});
