import { expect } from 'chai';
import { definePlugin, validatePluginConfig } from '../../src/pipeline/mod.js';
import { owner } from './support.js';

const at = { owner, pointer: '/routes/0/pipeline/1/config' };

describe('plugin config validation', () => {
  const def = definePlugin<{ size: number; tags: string[] }>({
    name: 'sized',
    version: '1.0.0',
    stages: ['filter'],
    configSchema: {
      type: 'object',
      properties: { size: { type: 'integer', default: 10 }, tags: { type: 'array', items: { type: 'string' }, default: [] } },
      additionalProperties: false,
    },
    setup: () => ({ filter: () => true }),
  });

  it('returns a clone with schema defaults, leaving the caller config untouched', () => {
    const given = { tags: ['a'] };
    const config = validatePluginConfig(def, given, at);
    expect(config).to.deep.equal({ size: 10, tags: ['a'] });
    expect(given).to.deep.equal({ tags: ['a'] });
    expect(validatePluginConfig(def, undefined, at)).to.deep.equal({ size: 10, tags: [] });
  });

  it('points at the offending value, including unknown and missing properties', () => {
    const strict = definePlugin({
      ...def,
      name: 'strict',
      configSchema: { type: 'object', properties: { label: { type: 'string' }, tags: { type: 'array', items: { type: 'string' } } }, required: ['label'], additionalProperties: false },
    });
    try {
      validatePluginConfig(strict, { tags: [1], colour: 'red' }, at);
      expect.fail('should have thrown');
    } catch (err) {
      const e = err as { code: string; message: string; violations: { pointer: string; rule?: string }[] };
      expect(e.code).to.equal('CEG_ERR_PLUGIN_CONFIG_INVALID');
      expect(e.message).to.match(/^route "audit": config of plugin "strict" is invalid: /);
      expect(e.violations.map((v) => [v.pointer, v.rule])).to.have.deep.members([
        ['/routes/0/pipeline/1/config/label', 'required'],
        ['/routes/0/pipeline/1/config/tags/0', 'type'],
        ['/routes/0/pipeline/1/config/colour', 'additionalProperties'],
      ]);
    }
  });

  it('reads draft-07 schemas as draft-07 and everything else as 2020-12', () => {
    const legacy = definePlugin({
      ...def,
      name: 'legacy',
      configSchema: { $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', properties: { list: { items: [{ type: 'string' }] } } },
    });
    expect(() => validatePluginConfig(legacy, { list: ['x'] }, at)).to.not.throw();
    expect(() => validatePluginConfig(legacy, { list: [1] }, at)).to.throw(/list\/0/);
  });

  it('names the plugin whose own schema does not compile', () => {
    const broken = definePlugin({ ...def, name: 'broken', configSchema: { type: 'object', properties: { a: { type: 'nonsense' } } } });
    expect(() => validatePluginConfig(broken, {}, at)).to.throw(/plugin "broken" 1\.0\.0 ships a config schema that does not compile/);
  });
});
