import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { validateEvent } from '../../src/cloudevents/validator.js';
import { SchemaRegistry } from '../../src/registry/mod.js';

describe('SchemaRegistry catalog', () => {
  let registry: SchemaRegistry;
  before(async () => {
    registry = await SchemaRegistry.load({ dir: 'schemas' });
  });

  it('lists every type once, in type order, versions oldest first', () => {
    const types = registry.catalog().map((t) => t.type);
    expect(types).to.deep.equal([...new Set(types)].sort());
    for (const info of registry.catalog()) {
      const versions = info.versions.map((v) => v.version);
      expect(versions).to.deep.equal([...versions].sort((a, b) => a - b));
    }
  });

  it('gives each version an example event that passes validation under its own dataschema', () => {
    const examples = registry.catalog().flatMap((t) => t.versions.map((v) => ({ type: t.type, ...v })));
    expect(examples).to.have.length(registry.list().length);
    for (const { type, dataschema, example } of examples) {
      expect(example).to.include({ specversion: '1.0', type, dataschema, datacontenttype: 'application/json' });
      expect(() => validateEvent(example), type).not.to.throw();
      expect(() => registry.validate(example), type).not.to.throw();
    }
  });

  it('describes user.created with both versions and the schemas themselves', () => {
    const info = registry.describe('user.created');
    expect(info?.versions.map((v) => [v.version, v.dataschema])).to.deep.equal([
      [1, 'https://cloudevents-gateway.dev/schemas/user/created.v1.json'],
      [2, 'https://cloudevents-gateway.dev/schemas/user/created.v2.json'],
    ]);
    const v2 = info?.versions[1];
    expect(v2?.title).to.equal('User created (v2)');
    expect(v2?.description).to.include('Breaking change');
    expect(v2?.schema).to.include({ 'x-cloudevent-type': 'user.created', 'x-version': 2 });
  });

  it('describes nothing for a type without schema or a pattern', () => {
    expect(registry.describe('billing.invoice.paid')).to.equal(undefined);
    expect(registry.describe('user.*')).to.equal(undefined);
  });

  it('lists each schema with the file that declares its dataschema', () => {
    const rows = registry.list();
    expect(rows.map((r) => `${r.type}.v${r.version}`)).to.include('gateway.delivery.failed.v1');
    for (const row of rows) {
      const doc = JSON.parse(readFileSync(row.file, 'utf8')) as Record<string, unknown>;
      expect(doc).to.include({ $id: row.dataschema, 'x-cloudevent-type': row.type, 'x-version': row.version });
    }
  });
});
