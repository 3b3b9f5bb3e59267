// `${VAR}` and `${VAR:-default}` in string values, resolved after YAML parsing so a value can never
// change the document's structure. `$${` escapes a literal `${`.
import { ConfigError, ErrorCodes, pointer } from '../errors.js';

const REF = /\$(\$?)\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

export function interpolate(value: unknown, env: NodeJS.ProcessEnv, path: Array<string | number> = []): unknown {
  if (typeof value === 'string') {
    return value.replace(REF, (whole, escaped: string, name: string, fallback: string | undefined) => {
      if (escaped) return whole.slice(1);
      const v = env[name];
      if (v !== undefined && v !== '') return v;
      if (fallback !== undefined) return fallback;
      throw new ConfigError(
        ErrorCodes.CONFIG_INVALID,
        `${pointer(...path) || '/'}: environment variable ${name} is not set; set it or write \${${name}:-default}`,
        { violations: [{ pointer: pointer(...path), message: `environment variable ${name} is not set`, rule: 'env' }] },
      );
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => interpolate(v, env, [...path, i]));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = interpolate(v, env, [...path, k]);
    return out;
  }
  return value;
}
