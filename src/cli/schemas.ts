import { loadConfigFile } from '../config/load.js';
import { SchemaRegistry } from '../registry/mod.js';

export async function schemasCommand(opts: { config: string; json?: boolean }): Promise<void> {
  const config = loadConfigFile(opts.config);
  const registry = await SchemaRegistry.load({ dir: config.schemas.dir });
  const rows = registry.catalog().flatMap((t) => t.versions.map((v) => ({ type: t.type, version: v.version, dataschema: v.dataschema, title: v.title })));
  if (opts.json) {
    console.log(JSON.stringify(rows, null, 2));
    return;
  }
  const width = Math.max(4, ...rows.map((r) => r.type.length));
  console.log(`${'TYPE'.padEnd(width)}  VER  DATASCHEMA`);
  for (const r of rows) console.log(`${r.type.padEnd(width)}  v${String(r.version).padEnd(3)} ${r.dataschema}`);
  console.log(`${rows.length} schema(s) in ${config.schemas.dir}`);
}
