// Load errors, each on a schema directory written to a temp dir: the set loads whole or throws
// CEG_ERR_SCHEMA_LOAD naming the file at fault.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect } from 'chai';
import { ErrorCodes, GatewayError } from '../../src/errors.js';
import { SchemaRegistry } from '../../src/registry/mod.js';

const BASE = 'https://schemas.test/';

function eventSchema(file: string, type: string, version: number, extra: Record<string, unknown> = {}) {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: BASE + file,
    'x-cloudevent-type': type,
    'x-version': version,
    title: `${type} v${version}`,
    description: 'test schema',
    type: 'object',
    required: ['id'],
    properties: { id: { type: 'string' } },
    examples: [{ id: 'a' }],
    ...extra,
  };
}

const EMAIL = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: BASE + 'common/email.json',
  type: 'string',
  format: 'email',
};

describe('SchemaRegistry.load', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ceg-schemas-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function write(files: Record<string, unknown>): Promise<void> {
    for (const [name, content] of Object.entries(files)) {
      await mkdir(dirname(join(dir, name)), { recursive: true });
      await writeFile(join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));
    }
  }

  async function loadFails(files: Record<string, unknown>): Promise<GatewayError> {
    await write(files);
    try {
      await SchemaRegistry.load({ dir });
    } catch (err) {
      expect(err).to.be.instanceOf(GatewayError);
      expect((err as GatewayError).code).to.equal(ErrorCodes.SCHEMA_LOAD);
      return err as GatewayError;
    }
    return expect.fail('load succeeded');
  }

  it('resolves $ref across files and subfolders, and ignores files that are not JSON', async () => {
    await write({
      'common/email.json': EMAIL,
      'user/invited.v1.json': eventSchema('user/invited.v1.json', 'user.invited', 1, {
        required: ['email'],
        properties: { email: { $ref: '../common/email.json' } },
        examples: [{ email: 'grace@navy.example' }],
      }),
      'README.md': '# not a schema',
    });
    const registry = await SchemaRegistry.load({ dir });
    expect(registry.list()).to.deep.equal([
      { type: 'user.invited', version: 1, dataschema: BASE + 'user/invited.v1.json', file: join(dir, 'user/invited.v1.json') },
    ]);
    const event = { specversion: '1.0' as const, id: '1', source: '/t', type: 'user.invited', data: { email: 'nope' } };
    expect(() => registry.validate(event)).to.throw(GatewayError).with.property('code', ErrorCodes.SCHEMA_INVALID);
  });

  it('refuses a duplicate $id, naming both files', async () => {
    const err = await loadFails({
      'a.v1.json': eventSchema('a.json', 'a.happened', 1),
      'b.v1.json': eventSchema('a.json', 'b.happened', 1),
    });
    expect(err.message).to.include(join(dir, 'b.v1.json')).and.include(join(dir, 'a.v1.json')).and.include(BASE + 'a.json');
  });

  it('refuses two schemas for the same type and version, naming both files', async () => {
    const err = await loadFails({
      'one.json': eventSchema('one.json', 'a.happened', 2),
      'two.json': eventSchema('two.json', 'a.happened', 2),
    });
    expect(err.message).to.equal(`${join(dir, 'two.json')}: a.happened version 2 is already defined by ${join(dir, 'one.json')}`);
  });

  it('refuses a $ref that resolves to nothing, naming the file and the reference', async () => {
    const err = await loadFails({
      'common/email.json': EMAIL,
      'user/invited.v1.json': eventSchema('user/invited.v1.json', 'user.invited', 1, {
        properties: { id: { type: 'string' }, email: { $ref: '../common/e-mail.json' } },
      }),
    });
    expect(err.message).to.match(new RegExp(`^${join(dir, 'user/invited.v1.json')}: `));
    expect(err.message).to.include(BASE + 'common/e-mail.json');
  });

  it('blames a broken shared definition, not the schemas using it', async () => {
    const err = await loadFails({
      'a/thing.v1.json': eventSchema('a/thing.v1.json', 'a.thing', 1, {
        properties: { id: { $ref: '../common/id.json' } },
      }),
      'common/id.json': { $id: BASE + 'common/id.json', $ref: 'missing.json' },
    });
    expect(err.message).to.match(new RegExp(`^${join(dir, 'common/id.json')}: `));
  });

  it('refuses a file that is not valid JSON', async () => {
    const err = await loadFails({ 'ok.json': eventSchema('ok.json', 'a.b', 1), 'user/broken.json': '{ "$id": ' });
    expect(err.message).to.match(new RegExp(`^${join(dir, 'user/broken.json')}: not valid JSON`));
  });

  it('refuses an event schema without version, title, description or example', async () => {
    const { 'x-version': _v, title: _t, examples: _e, ...incomplete } = eventSchema('x.json', 'a.b', 1);
    const err = await loadFails({ 'x.json': incomplete });
    expect(err.message).to.match(new RegExp(`^${join(dir, 'x.json')}: `));
    expect(err.violations.map((v) => v.pointer)).to.have.members(['/x-version', '/title', '/examples']);
  });

  it('refuses a schema without $id, and a relative $id', async () => {
    const { $id: _, ...anonymous } = EMAIL;
    expect((await loadFails({ 'email.json': anonymous })).violations.map((v) => v.pointer)).to.deep.equal(['/$id']);
    await rm(join(dir, 'email.json'));
    expect((await loadFails({ 'email.json': { ...EMAIL, $id: 'email.json' } })).violations.map((v) => v.pointer)).to.deep.equal(['/$id']);
  });

  it('refuses a type pattern or a non-integer version in the annotations', async () => {
    expect((await loadFails({ 'x.json': eventSchema('x.json', 'user.*', 1) })).violations.map((v) => v.pointer)).to.deep.equal([
      '/x-cloudevent-type',
    ]);
    expect((await loadFails({ 'x.json': eventSchema('x.json', 'user.created', 1.5) })).violations.map((v) => v.pointer)).to.deep.equal([
      '/x-version',
    ]);
  });

  it('refuses an example that does not match its own schema, pointing into it', async () => {
    const err = await loadFails({ 'x.json': eventSchema('x.json', 'a.b', 1, { examples: [{ id: 7 }] }) });
    expect(err.message).to.include(join(dir, 'x.json'));
    expect(err.violations.map((v) => v.pointer)).to.deep.equal(['/examples/0/id']);
  });

  it('refuses unknown keywords and formats (strict mode)', async () => {
    const typo = await loadFails({
      'x.json': eventSchema('x.json', 'a.b', 1, { properties: { id: { type: 'string', maxlength: 3 } } }),
    });
    expect(typo.message).to.include(join(dir, 'x.json')).and.include('maxlength');
    await rm(join(dir, 'x.json'));
    const format = await loadFails({
      'x.json': eventSchema('x.json', 'a.b', 1, { properties: { id: { type: 'string', format: 'iban' } } }),
    });
    expect(format.message).to.include('iban');
  });

  it('refuses a directory that cannot be read', async () => {
    try {
      await SchemaRegistry.load({ dir: join(dir, 'missing') });
      expect.fail('load succeeded');
    } catch (err) {
      expect((err as GatewayError).code).to.equal(ErrorCodes.SCHEMA_LOAD);
      expect((err as GatewayError).message).to.include(join(dir, 'missing'));
    }
  });
});
