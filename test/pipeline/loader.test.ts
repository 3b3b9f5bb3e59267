import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { BUILTIN_PLUGINS, PluginRegistry } from '../../src/pipeline/mod.js';
import { owner, rejection, rootDir } from './support.js';
import { tempDir } from '../helpers/tmp.js';

const localPlugin = (name: string) => `
const loads: number = ((globalThis as Record<string, unknown>).__${name}Loads as number | undefined ?? 0) + 1;
(globalThis as Record<string, unknown>).__${name}Loads = loads;
export default {
  name: '${name}',
  version: '2.0.0',
  stages: ['transform'],
  configSchema: { type: 'object' },
  setup: () => ({ transform: (e: { id: string }) => ({ ...e, loads }) }),
};
`;

describe('plugin registry', () => {
  it('resolves every built-in by bare name to its definition', async () => {
    const registry = new PluginRegistry({ rootDir });
    for (const name of BUILTIN_PLUGINS) {
      const def = await registry.load(name);
      expect(def.name).to.equal(name);
    }
  });

  it('loads a local TypeScript file relative to the project root, once', async () => {
    const dir = tempDir('plugins');
    mkdirSync(join(dir, 'plugins'));
    writeFileSync(join(dir, 'plugins', 'local.ts'), localPlugin('local'));
    const registry = new PluginRegistry({ rootDir: dir });
    const [a, b] = await Promise.all([registry.load('./plugins/local.ts'), registry.load('./plugins/local.ts')]);
    expect(a).to.equal(b);
    expect(a).to.include({ name: 'local', version: '2.0.0' });
    expect((globalThis as Record<string, unknown>).__localLoads).to.equal(1);
  });

  it('takes a `plugin` named export when there is no default export', async () => {
    const dir = tempDir('plugins');
    const source = "export const plugin = { name: 'named', version: '1.0.0', stages: ['filter'], configSchema: {}, setup: () => ({ filter: () => true }) };";
    writeFileSync(join(dir, 'named.js'), source);
    const def = await new PluginRegistry({ rootDir: dir }).load('./named.js');
    expect(def.name).to.equal('named');
  });

  it('reports an unknown name with CEG_ERR_PLUGIN_NOT_FOUND, owner and pointer', async () => {
    const err = await rejection(new PluginRegistry({ rootDir }).load('no-such-plugin-xyz', { owner, pointer: '/routes/2/pipeline/3/use' }));
    expect(err.code).to.equal('CEG_ERR_PLUGIN_NOT_FOUND');
    expect(err.message).to.contain('route "audit", /routes/2/pipeline/3/use').and.contain('"no-such-plugin-xyz" not found');
    expect(err.violations?.[0]?.pointer).to.equal('/routes/2/pipeline/3/use');
    const missingFile = await rejection(new PluginRegistry({ rootDir }).load('./plugins/missing.ts'));
    expect(missingFile.code).to.equal('CEG_ERR_PLUGIN_NOT_FOUND');
  });

  it('refuses a module that is no plugin definition, saying what is wrong', async () => {
    const dir = tempDir('plugins');
    writeFileSync(join(dir, 'half.ts'), "export default { name: 'half', stages: ['render'], setup: 1 };\n");
    const err = await rejection(new PluginRegistry({ rootDir: dir }).load('./half.ts'));
    expect(err.code).to.equal('CEG_ERR_CONFIG_INVALID');
    expect(err.message).to.contain('`version`').and.contain('`stages`').and.contain('`configSchema`').and.contain('`setup`');
  });

  it('imports npm packages by name and checks them like any module', async () => {
    const err = await rejection(new PluginRegistry({ rootDir }).load('chai'));
    expect(err.code).to.equal('CEG_ERR_CONFIG_INVALID');
    expect(err.message).to.contain('module "chai" is not a plugin');
  });

  it('reports a module that fails to load', async () => {
    const dir = tempDir('plugins');
    writeFileSync(join(dir, 'broken.ts'), "throw new Error('top-level failure');\n");
    const err = await rejection(new PluginRegistry({ rootDir: dir }).load('./broken.ts'));
    expect(err.code).to.equal('CEG_ERR_PLUGIN_NOT_FOUND');
    expect(err.message).to.contain('could not be loaded: top-level failure');
  });
});
