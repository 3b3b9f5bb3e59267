import { loadConfigFile } from '../config/load.js';
import { RouteTargets } from '../delivery/routes.js';
import { silentLogger } from '../observe/logger.js';
import { PluginRegistry } from '../pipeline/mod.js';
import { SchemaRegistry } from '../registry/mod.js';

/** Everything `start` checks before connecting anywhere: config, schemas, plugin configs. */
export async function validateCommand(opts: { config: string }): Promise<void> {
  const config = loadConfigFile(opts.config);
  const schemas = await SchemaRegistry.load({ dir: config.schemas.dir, unknownTypes: config.schemas.unknownTypes, policies: config.schemas.policies });
  const routes = await RouteTargets.compile(config, new PluginRegistry({ rootDir: config.rootDir }), silentLogger());
  await routes.close();
  const types = schemas.catalog();
  const versions = types.reduce((n, t) => n + t.versions.length, 0);
  console.log(`ok: ${opts.config} is valid; ${config.routes.length} route(s), ${types.length} event types (${versions} schema versions)`);
}
