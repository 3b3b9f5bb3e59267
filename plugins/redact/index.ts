// Masks, hashes or removes fields of an event's data, for feeds (SIEM, analytics, partners) that must
// not see personal data. Paths are JSON pointers into `data` where a `*` segment means every array item
// or every key. Outputs a new event; the input is untouched, untouched branches are shared.
import { createHmac } from 'node:crypto';
import type { CloudEvent } from '../../src/cloudevents/event.js';
import { definePlugin, parsePointer, PluginError } from '../../src/pipeline/mod.js';
import { ErrorCodes, pointer } from '../../src/errors.js';

export type Strategy = 'mask' | 'mask-email' | 'remove' | 'hash';

export interface RedactRule {
  path: string;
  strategy: Strategy;
  /** mask: trailing characters left visible */
  keep?: number;
}

export interface RedactConfig {
  fields: RedactRule[];
  /** mask character */
  maskChar: string;
  /** hash: HMAC-SHA256 key; the same key yields the same hash, so records stay correlatable */
  hashKey?: string;
  /** hash: put before the hex digest */
  hashPrefix: string;
}

const WILDCARD = '*';
const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Splits into user-perceived characters, so masking never cuts an emoji or a combining accent in half. */
function chars(text: string): string[] {
  return Array.from(graphemes.segment(text), (s) => s.segment);
}

function mask(value: string, keep: number, maskChar: string): string {
  const all = chars(value);
  const visible = keep > 0 ? all.slice(-keep) : [];
  return maskChar.repeat(all.length - visible.length) + visible.join('');
}

/** `jane.doe@example.com` -> `j***@example.com`; anything that is not an address is masked whole. */
function maskEmail(value: string, maskChar: string): string {
  const at = value.lastIndexOf('@');
  if (at <= 0) return mask(value, 0, maskChar);
  return (chars(value.slice(0, at))[0] ?? '') + maskChar.repeat(3) + value.slice(at);
}

type Rewrite = (value: unknown) => unknown;
const REMOVE = Symbol('remove');

/**
 * Applies `rewrite` at every match of `tokens` below `node` and returns a new node, or `node` itself
 * when nothing matched. Returning REMOVE from `rewrite` deletes the match.
 */
function apply(node: unknown, tokens: readonly string[], rewrite: Rewrite): unknown {
  if (tokens.length === 0) return rewrite(node);
  if (typeof node !== 'object' || node === null) return node;
  const [token, ...rest] = tokens as [string, ...string[]];
  if (Array.isArray(node)) {
    const indexes = token === WILDCARD ? node.keys() : /^(0|[1-9]\d*)$/.test(token) && Number(token) < node.length ? [Number(token)] : [];
    let copy: unknown[] | undefined;
    for (const i of indexes) {
      const next = apply(node[i], rest, rewrite);
      if (next !== node[i]) (copy ??= [...node])[i] = next;
    }
    return copy ? copy.filter((v) => v !== REMOVE) : node;
  }
  const obj = node as Record<string, unknown>;
  const keys = token === WILDCARD ? Object.keys(obj) : Object.hasOwn(obj, token) ? [token] : [];
  let copy: Record<string, unknown> | undefined;
  for (const key of keys) {
    const next = apply(obj[key], rest, rewrite);
    if (next === obj[key]) continue;
    copy ??= { ...obj };
    if (next === REMOVE) delete copy[key];
    else copy[key] = next;
  }
  return copy ?? node;
}

function compileRule(rule: RedactRule, config: RedactConfig, at: string): { tokens: string[]; rewrite: Rewrite } {
  let tokens: string[];
  try {
    tokens = parsePointer(rule.path);
  } catch (err) {
    throw new PluginError(ErrorCodes.PLUGIN_CONFIG_INVALID, (err as Error).message, {
      violations: [{ pointer: `${at}/path`, message: (err as Error).message, rule: 'pointer' }],
    });
  }
  const { maskChar } = config;
  switch (rule.strategy) {
    case 'remove':
      return { tokens, rewrite: () => REMOVE };
    case 'mask': {
      const keep = rule.keep ?? 0;
      return { tokens, rewrite: (v) => (isScalar(v) ? mask(String(v), keep, maskChar) : maskChar.repeat(3)) };
    }
    case 'mask-email':
      return { tokens, rewrite: (v) => (typeof v === 'string' ? maskEmail(v, maskChar) : maskChar.repeat(3)) };
    case 'hash': {
      const key = config.hashKey;
      if (key === undefined) {
        throw new PluginError(ErrorCodes.PLUGIN_CONFIG_INVALID, 'the hash strategy needs `hashKey`', {
          violations: [{ pointer: '/hashKey', message: 'required by the hash strategy', rule: 'required' }],
        });
      }
      // strings hash as themselves so a hashed email matches the same email hashed elsewhere
      const text = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
      return { tokens, rewrite: (v) => config.hashPrefix + createHmac('sha256', key).update(text(v)).digest('hex') };
    }
  }
}

function isScalar(v: unknown): v is string | number | boolean {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

export default definePlugin<RedactConfig>({
  name: 'redact',
  version: '1.0.0',
  stages: ['transform'],
  configSchema: {
    type: 'object',
    properties: {
      fields: {
        type: 'array',
        minItems: 1,
        items: {
          type: 'object',
          properties: {
            path: { type: 'string', pattern: '^/' },
            strategy: { enum: ['mask', 'mask-email', 'remove', 'hash'] },
            keep: { type: 'integer', minimum: 0 },
          },
          required: ['path', 'strategy'],
          additionalProperties: false,
        },
      },
      maskChar: { type: 'string', minLength: 1, default: '*' },
      hashKey: { type: 'string', minLength: 16 },
      hashPrefix: { type: 'string', default: 'hmac-sha256:' },
    },
    required: ['fields'],
    additionalProperties: false,
  },
  setup(config) {
    const rules = config.fields.map((rule, i) => compileRule(rule, config, pointer('fields', i)));
    return {
      transform(event) {
        // only JSON data has fields; text and binary data pass as they are
        if (typeof event.data !== 'object' || event.data === null) return event;
        let data: unknown = event.data;
        for (const { tokens, rewrite } of rules) data = apply(data, tokens, rewrite);
        return data === event.data ? event : ({ ...event, data } as CloudEvent);
      },
    };
  },
});
