// Every schema against its fixtures: a pass fixture that must validate and a fail fixture that must be
// refused at the pointer fail-pointers.json names. A schema added without fixtures fails here.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import type { CloudEvent } from '../../src/cloudevents/event.js';
import { validateEvent } from '../../src/cloudevents/validator.js';
import { ErrorCodes } from '../../src/errors.js';
import { SchemaRegistry } from '../../src/registry/mod.js';
import { eventError } from '../cloudevents/expect.js';

const SCHEMAS = 'schemas';
const FIXTURES = 'test/fixtures/events';
// `<type>.v<version>.<pass|fail>.json`
const FIXTURE_NAME = /^((.+)\.v(\d+))\.(pass|fail)\.json$/;

const readJson = (file: string): unknown => JSON.parse(readFileSync(join(FIXTURES, file), 'utf8'));
const failPointers = readJson('fail-pointers.json') as Record<string, string>;

describe('registry fixtures', () => {
  let registry: SchemaRegistry;
  let keys: string[];
  before(async () => {
    registry = await SchemaRegistry.load({ dir: SCHEMAS });
    keys = registry.list().map((s) => `${s.type}.v${s.version}`);
  });

  it('has a pass fixture, a fail fixture and a fail pointer for every schema, and nothing else', () => {
    const fixtures = readdirSync(FIXTURES).filter((f) => FIXTURE_NAME.test(f));
    const expected = keys.flatMap((k) => [`${k}.fail.json`, `${k}.pass.json`]);
    expect(fixtures.sort()).to.deep.equal(expected.sort());
    expect(Object.keys(failPointers).sort()).to.deep.equal([...keys].sort());
  });

  it('covers at least 25 schemas, user.created in two versions', () => {
    expect(keys).to.have.length.of.at.least(25);
    expect(keys).to.include.members(['user.created.v1', 'user.created.v2']);
  });

  // one case per fixture, generated from the files so that a new schema's fixtures run without test edits
  for (const file of readdirSync(FIXTURES).sort()) {
    const m = FIXTURE_NAME.exec(file);
    if (!m) continue;
    const [, key = '', type, version, outcome] = m;
    const event = readJson(file) as CloudEvent;

    it(`${file}: is a valid CloudEvent of ${key}`, () => {
      // fail fixtures too: only their data may be wrong
      expect(() => validateEvent(event)).not.to.throw();
      expect(event.type).to.equal(type);
      const latest = registry.describe(event.type)?.versions.at(-1)?.version;
      // without a dataschema an event is checked against the latest version, so only that one may omit it
      if (event.dataschema === undefined) expect(Number(version)).to.equal(latest);
      else expect(registry.list().find((s) => s.dataschema === event.dataschema)?.version).to.equal(Number(version));
    });

    if (outcome === 'pass') {
      it(`${file}: passes`, () => {
        expect(() => registry.validate(event)).not.to.throw();
      });
    } else {
      it(`${file}: fails at ${failPointers[key]}`, () => {
        const err = eventError(() => registry.validate(event));
        expect(err.code).to.equal(ErrorCodes.SCHEMA_INVALID);
        const expected = failPointers[key] ?? '';
        expect(err.violations.map((v) => v.pointer)).to.include(expected);
        // the only violations are at the expected pointer or at what contains it (anyOf, if/then): the
        // fixture fails for the reason it was written for
        for (const { pointer } of err.violations) {
          expect(expected === pointer || expected.startsWith(pointer + '/'), pointer).to.equal(true);
        }
      });
    }
  }
});
