// The `siem` format plugin: renders events for security tools as ArcSight CEF, QRadar LEEF 2.0, OCSF,
// Elastic ECS, Splunk HEC or RFC 5424 syslog. One mapping (mapping.ts) finds what happened, to whom and
// how bad it is; each format only spells that out.
import { definePlugin } from '../../src/pipeline/types.js';
import { cef } from './cef.js';
import { configSchema, resolveOptions, type Format, type SiemConfig } from './config.js';
import { ecs } from './ecs.js';
import { leef } from './leef.js';
import { compileMapping } from './mapping.js';
import type { FormatterFactory } from './message.js';
import { ocsf } from './ocsf.js';
import { severityNames } from './severity.js';
import { splunk } from './splunk.js';
import { syslog } from './syslog.js';

export type { SiemConfig } from './config.js';
export type { RuleSpec, SiemRecord } from './mapping.js';

const VERSION = '0.1.0';

const FORMATTERS: Record<Format, FormatterFactory> = { cef, leef, ocsf, ecs, 'splunk-hec': splunk, syslog };

export default definePlugin<SiemConfig>({
  name: 'siem',
  version: VERSION,
  stages: ['format'],
  configSchema,
  setup(config) {
    const options = resolveOptions(config, VERSION);
    const map = compileMapping(config.mapping ?? {}, severityNames(config.severityNames));
    const render = FORMATTERS[options.format](options);
    return { format: (event) => render(map(event)) };
  },
});
