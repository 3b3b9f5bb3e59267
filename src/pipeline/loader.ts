// Resolves a step's `use:` to a PluginDefinition: a built-in by bare name, a local file relative to the
// project root, or an npm package. Each module is imported once however many steps use it; what it
// exports is checked to be a real definition before anything calls it.
import { existsSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError, ErrorCodes } from '../errors.js';
import type { ConfigLocation } from './config.js';
import { describeOwner } from './owner.js';
import type { PluginDefinition, Stage } from './types.js';

export const BUILTIN_PLUGINS = ['filter', 'transform', 'redact', 'sign', 'webhook-envelope', 'siem'] as const;

const STAGES: readonly Stage[] = ['filter', 'transform', 'format', 'sign'];
const builtinsDir = new URL('../../plugins/', import.meta.url);

export interface PluginRegistryOptions {
  /** project root; local `use:` paths (`./plugins/x.ts`) resolve from here */
  rootDir: string;
}

/** Why a module's export is not a PluginDefinition, or an empty list when it is one. */
export function definitionProblems(value: unknown): string[] {
  if (typeof value !== 'object' || value === null) return ['it exports no plugin object (default export or `plugin`)'];
  const d = value as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof d.name !== 'string' || d.name === '') problems.push('`name` must be a non-empty string');
  if (typeof d.version !== 'string' || d.version === '') problems.push('`version` must be a non-empty string');
  const stages = d.stages;
  if (
    !Array.isArray(stages) ||
    stages.length === 0 ||
    stages.some((s) => !STAGES.includes(s as Stage)) ||
    new Set(stages).size !== stages.length
  ) {
    problems.push(`\`stages\` must be a non-empty list of distinct stages among ${STAGES.join(', ')}`);
  }
  if (typeof d.configSchema !== 'object' || d.configSchema === null) problems.push('`configSchema` must be a JSON Schema object');
  if (typeof d.setup !== 'function') problems.push('`setup` must be a function');
  return problems;
}

/** True when importing `name` failed because the package itself is absent (not one of its imports). */
function isMissingPackage(err: unknown, name: string): boolean {
  const { code, message } = err as { code?: unknown; message?: unknown };
  return (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && String(message).includes(`'${name}'`);
}

export class PluginRegistry {
  readonly #rootDir: string;
  readonly #defined = new Map<string, PluginDefinition<unknown>>();
  readonly #modules = new Map<string, Promise<unknown>>();

  constructor(opts: PluginRegistryOptions) {
    this.#rootDir = opts.rootDir;
  }

  /** Registers an in-process plugin under its name (embedding, tests); it wins over a built-in of that name. */
  define(def: PluginDefinition<never>): this {
    const problems = definitionProblems(def);
    if (problems.length > 0) throw new ConfigError(ErrorCodes.CONFIG_INVALID, `not a plugin definition: ${problems.join('; ')}`);
    this.#defined.set(def.name, def as PluginDefinition<unknown>);
    return this;
  }

  /** The definition `use` names; `at` locates the step for error messages. */
  async load(use: string, at?: ConfigLocation): Promise<PluginDefinition<unknown>> {
    const where = at === undefined ? '' : `${describeOwner(at.owner)}, ${at.pointer}: `;
    const defined = this.#defined.get(use);
    if (defined) return defined;

    const notFound = () =>
      new ConfigError(
        ErrorCodes.PLUGIN_NOT_FOUND,
        `${where}plugin "${use}" not found: it is no built-in (${BUILTIN_PLUGINS.join(', ')}), ` +
          'no local file (./path relative to the project root) and no installed npm package',
        { violations: at === undefined ? [] : [{ pointer: at.pointer, message: 'unknown plugin', rule: 'use' }] },
      );
    const specifier = this.#specifier(use);
    if (specifier === undefined) throw notFound();

    let loading = this.#modules.get(specifier);
    if (!loading) {
      loading = import(specifier);
      this.#modules.set(specifier, loading);
      // a failed import is not cached, so fixing the file and reloading the config works
      loading.catch(() => this.#modules.delete(specifier));
    }
    let mod: Record<string, unknown>;
    try {
      mod = (await loading) as Record<string, unknown>;
    } catch (err) {
      if (specifier === use && isMissingPackage(err, use)) throw notFound();
      throw new ConfigError(ErrorCodes.PLUGIN_NOT_FOUND, `${where}plugin "${use}" could not be loaded: ${(err as Error).message}`, {
        cause: err,
      });
    }
    const candidate = mod.default ?? mod.plugin;
    const problems = definitionProblems(candidate);
    if (problems.length > 0) {
      throw new ConfigError(ErrorCodes.CONFIG_INVALID, `${where}module "${use}" is not a plugin: ${problems.join('; ')}`);
    }
    return candidate as PluginDefinition<unknown>;
  }

  /** The import specifier for `use`; undefined for a local file that does not exist. */
  #specifier(use: string): string | undefined {
    if ((BUILTIN_PLUGINS as readonly string[]).includes(use)) return new URL(`${use}/index.ts`, builtinsDir).href;
    if (use.startsWith('.') || use.startsWith('/')) {
      const file = resolvePath(this.#rootDir, use);
      return existsSync(file) ? pathToFileURL(file).href : undefined;
    }
    return use;
  }
}
