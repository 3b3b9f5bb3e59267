// Every setup-time problem of the siem plugin is one config error listing all violations, so an operator
// fixes a config in one round; pointers are relative to the step's `config`.
import { ConfigError, ErrorCodes, type Violation } from '../../src/errors.js';

export function configInvalid(violations: Violation[]): ConfigError {
  return new ConfigError(
    ErrorCodes.PLUGIN_CONFIG_INVALID,
    `siem: invalid config: ${violations.map((v) => `${v.pointer} ${v.message}`).join('; ')}`,
    { violations },
  );
}
