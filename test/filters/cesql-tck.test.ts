// Runs every case of the CESQL TCK (cloudevents/spec, cesql_tck) against the engine: one mocha test
// per case, named `cesql tck <file>: <case name>`.
import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import yaml from 'js-yaml';
import type { CloudEvent } from '../../src/cloudevents/event.js';
import { CesqlCompileError, compileCesql, type CesqlResult } from '../../src/filters/cesql/mod.js';

interface TckCase {
  name: string;
  result?: boolean | number | string;
  error?: string;
  event?: CloudEvent;
  eventOverrides?: Record<string, unknown>;
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const tckDir = path.join(process.env.CEG_SHARED_DIR ?? path.resolve(repoRoot, '../shared'), 'spec', 'cesql-tck');

// "Any valid event" where a case gives none: only the required attributes, so that optional ones
// the cases expect to be missing are.
const baseEvent: CloudEvent = {
  specversion: '1.0',
  id: 'tck-id',
  source: 'https://tck.example/source',
  type: 'tck.type',
};

/** The spec's total answer: an expression that does not compile evaluates to false with that error. */
function evaluate(expression: string, event: CloudEvent): CesqlResult {
  try {
    return compileCesql(expression).evaluate(event);
  } catch (err) {
    if (err instanceof CesqlCompileError) return { value: false, errors: [err] };
    throw err;
  }
}

// Top-level tests, so that each test's full title is exactly its case name.
it('cesql tck: the TCK folder exists', () => {
  expect(fs.existsSync(tckDir), `TCK folder ${tckDir}`).to.equal(true);
});

const files = fs.existsSync(tckDir) ? fs.readdirSync(tckDir).filter((f) => f.endsWith('.yaml')).sort() : [];
for (const file of files) {
  const text = fs.readFileSync(path.join(tckDir, file), 'utf8');
  // CORE_SCHEMA keeps timestamps as strings, as CloudEvents attributes are; expressions are read
  // again with FAILSAFE_SCHEMA so that `TRUE` or `-10` stay the exact text written.
  const suite = yaml.load(text, { schema: yaml.CORE_SCHEMA }) as { tests: TckCase[] };
  const raw = yaml.load(text, { schema: yaml.FAILSAFE_SCHEMA }) as { tests: Array<{ expression: string }> };
  const suiteName = path.basename(file, '.yaml');
  suite.tests.forEach((tc, i) => {
    const expression = raw.tests[i]!.expression;
    it(`cesql tck ${suiteName}: ${tc.name}`, () => {
      const event = { ...(tc.event ?? baseEvent), ...tc.eventOverrides } as CloudEvent;
      const { value, errors } = evaluate(expression, event);
      if (tc.error === undefined) {
        expect(errors, 'errors').to.deep.equal([]);
      } else {
        expect(errors.length, 'error count').to.be.greaterThan(0);
        expect([...new Set(errors.map((e) => e.kind))], 'error kinds').to.deep.equal([tc.error]);
      }
      if (tc.result !== undefined) expect(value).to.equal(tc.result);
    });
  });
}
