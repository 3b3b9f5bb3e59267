// CloudEvent -> SiemRecord: what happened (activity), how bad (severity), how it ended (outcome), who
// did it to whom, from where. Config rules (type pattern -> JSON pointers) come first, in the order
// written, then the built-in DEFAULT_MAPPING; each field takes the first pointer that yields a usable
// value, so a rule may name only the fields it wants to change and fall through for the rest.
import ipaddr from 'ipaddr.js';
import type { CloudEvent } from '../../src/cloudevents/event.js';
import { isTimestamp } from '../../src/cloudevents/typesystem.js';
import { pointer, type Violation } from '../../src/errors.js';
import { getAt, parsePointer } from '../../src/pipeline/pointer.js';
import { checkTypePattern, compileTypePattern, type TypePredicate } from '../../src/routing/pattern.js';
import { ACTIVITIES, type Activity } from './activity.js';
import { DEFAULT_MAPPING } from './defaults.js';
import { configInvalid } from './errors.js';
import { extensionSeverity, parseSeverity, type SeverityNames } from './severity.js';

export const OUTCOMES = ['success', 'failure', 'unknown'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** One JSON pointer into the event (`/data/...`, `/authid`), or several tried in order. */
export type Pointers = string | readonly string[];

export interface PartySpec {
  id?: Pointers;
  name?: Pointers;
  email?: Pointers;
}

/** What a `mapping` entry may say about the events its type pattern matches. */
export interface RuleSpec {
  activity?: Activity;
  /** 0–10, or pointers to a number (clamped) or a level name */
  severity?: number | Pointers;
  /** a constant, or pointers to a boolean or a word such as `failed` */
  outcome?: Outcome | Pointers;
  time?: Pointers;
  /** who acted */
  actor?: PartySpec;
  /** the account the event is about */
  user?: PartySpec;
  srcIp?: Pointers;
  reason?: Pointers;
  role?: Pointers;
  message?: Pointers;
}

export interface Party {
  id?: string;
  name?: string;
  email?: string;
}

export interface SiemRecord {
  event: Readonly<CloudEvent>;
  activity: Activity;
  /** 0–10 */
  severity: number;
  outcome: Outcome;
  /** absent when neither the event nor its data says when it happened */
  time?: Date;
  actor?: Party;
  user?: Party;
  /** a valid IPv4 or IPv6 address, IPv4-mapped IPv6 unwrapped */
  srcIp?: string;
  reason?: string;
  role?: string;
  message: string;
}

const TEXT_FIELDS = ['actor.id', 'actor.name', 'actor.email', 'user.id', 'user.name', 'user.email', 'reason', 'role', 'message'] as const;
type Field = (typeof TEXT_FIELDS)[number] | 'srcIp' | 'time';

interface Rule {
  matches: TypePredicate;
  activity?: Activity;
  severity?: number | string[][];
  outcome?: Outcome | string[][];
  fields: Partial<Record<Field, string[][]>>;
}

export type Mapper = (event: Readonly<CloudEvent>) => SiemRecord;

/** Compiles the config's rules and the defaults once; throws the violations (pointers into `mapping`) when a rule is wrong. */
export function compileMapping(mapping: Readonly<Record<string, RuleSpec>>, names: SeverityNames): Mapper {
  const violations: Violation[] = [];
  const own = Object.entries(mapping).map(([pattern, spec]) => compileRule(pattern, spec, (path, message) =>
    violations.push({ pointer: pointer('mapping', pattern, ...path), message }),
  ));
  if (violations.length > 0) throw configInvalid(violations);

  return (event) => {
    const mine = own.filter((r) => r.matches(event.type));
    const theirs = BUILTIN.filter((r) => r.matches(event.type));
    const rules = [...mine, ...theirs];
    const pick = <T>(field: Field, convert: (v: unknown) => T | undefined, from = rules) =>
      firstOf(from, event, (r) => r.fields[field], convert);
    const party = (who: 'actor' | 'user'): Party | undefined =>
      compact({ id: pick(`${who}.id`, text), name: pick(`${who}.name`, text), email: pick(`${who}.email`, text) });

    const activity = rules.find((r) => r.activity !== undefined)?.activity ?? 'other';
    const severityOf = (from: Rule[]) => constantOr(from, event, (r) => r.severity, (v) => parseSeverity(v, names));
    // the operator's rules beat the event's own severity extension, which beats the type defaults
    const severity = severityOf(mine) ?? extensionSeverity(event, names) ?? severityOf(theirs) ?? ACTIVITIES[activity].severity;
    const outcome = constantOr(rules, event, (r) => r.outcome, toOutcome) ?? 'unknown';
    const time = pick('time', toDate, mine) ?? toDate(event.time) ?? pick('time', toDate, theirs);
    const record: SiemRecord = {
      event,
      activity,
      severity,
      outcome,
      message: pick('message', text) ?? (activity === 'other' ? event.type : ACTIVITIES[activity].label),
    };
    const optional = {
      time,
      actor: party('actor'),
      user: party('user'),
      srcIp: pick('srcIp', toIp),
      reason: pick('reason', text),
      role: pick('role', text),
    };
    return Object.assign(record, compact(optional));
  };
}

type Report = (path: string[], message: string) => void;

const BUILTIN = Object.entries(DEFAULT_MAPPING).map(([pattern, spec]) =>
  compileRule(pattern, spec, (path, message) => {
    throw new Error(`built-in siem mapping ${pattern}/${path.join('/')}: ${message}`);
  }),
);

function compileRule(pattern: string, spec: RuleSpec, report: Report): Rule {
  const problem = checkTypePattern(pattern);
  if (problem !== null) report([], problem);
  const pointers = (value: Pointers | undefined, path: string[]): string[][] | undefined => {
    if (value === undefined) return undefined;
    const list = typeof value === 'string' ? [value] : value;
    return list.flatMap((p, i) => {
      try {
        return [parsePointer(p)];
      } catch (err) {
        report(typeof value === 'string' ? path : [...path, String(i)], (err as Error).message);
        return [];
      }
    });
  };
  const fields: Rule['fields'] = {};
  for (const field of [...TEXT_FIELDS, 'srcIp', 'time'] as const) {
    const path = field.split('.');
    const [head, tail] = path as [keyof RuleSpec, keyof PartySpec | undefined];
    const value = tail === undefined ? spec[head] : (spec[head] as PartySpec | undefined)?.[tail];
    const compiled = pointers(value as Pointers | undefined, path);
    if (compiled !== undefined) fields[field] = compiled;
  }
  const rule: Rule = { matches: compileTypePattern(pattern), fields };
  if (spec.activity !== undefined) {
    if (Object.hasOwn(ACTIVITIES, spec.activity)) rule.activity = spec.activity;
    else report(['activity'], `unknown activity "${spec.activity}"`);
  }
  if (typeof spec.severity === 'number') rule.severity = spec.severity;
  else if (spec.severity !== undefined) rule.severity = pointers(spec.severity, ['severity']);
  if (typeof spec.outcome === 'string' && (OUTCOMES as readonly string[]).includes(spec.outcome)) rule.outcome = spec.outcome as Outcome;
  else if (spec.outcome !== undefined) rule.outcome = pointers(spec.outcome, ['outcome']);
  return rule;
}

function firstOf<T>(
  rules: readonly Rule[],
  event: Readonly<CloudEvent>,
  select: (r: Rule) => string[][] | undefined,
  convert: (v: unknown) => T | undefined,
): T | undefined {
  for (const rule of rules) {
    for (const tokens of select(rule) ?? []) {
      const value = convert(getAt(event, tokens));
      if (value !== undefined) return value;
    }
  }
  return undefined;
}

/** Like firstOf, for settings that may also be a constant: the first matching rule with a constant or a usable pointer wins. */
function constantOr<T>(
  rules: readonly Rule[],
  event: Readonly<CloudEvent>,
  select: (r: Rule) => T | string[][] | undefined,
  convert: (v: unknown) => T | undefined,
): T | undefined {
  for (const rule of rules) {
    const setting = select(rule);
    if (setting === undefined) continue;
    if (!Array.isArray(setting)) return setting as T;
    const value = firstOf([rule], event, () => setting as string[][], convert);
    if (value !== undefined) return value;
  }
  return undefined;
}

/** Scalars as text; a list of scalars (e.g. `reasons`) joined by commas; objects say nothing. */
function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value) && value.length > 0 && value.every((v) => ['string', 'number', 'boolean'].includes(typeof v))) {
    return value.join(',');
  }
  return undefined;
}

function toIp(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  // SIEM indexes reject malformed addresses (and a whole ECS document with them), so only valid ones pass
  if (!ipaddr.IPv4.isValidFourPartDecimal(value) && !ipaddr.IPv6.isValid(value)) return undefined;
  return ipaddr.process(value).toString();
}

function toDate(value: unknown): Date | undefined {
  if (typeof value !== 'string' || !isTimestamp(value)) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

const SUCCESS = new Set(['success', 'succeeded', 'successful', 'ok', 'allowed', 'allow', 'passed', 'true']);
const FAILURE = new Set(['failure', 'failed', 'fail', 'error', 'denied', 'deny', 'blocked', 'rejected', 'false']);

function toOutcome(value: unknown): Outcome | undefined {
  if (typeof value === 'boolean') return value ? 'success' : 'failure';
  if (typeof value !== 'string') return undefined;
  const word = value.trim().toLowerCase();
  if (SUCCESS.has(word)) return 'success';
  if (FAILURE.has(word)) return 'failure';
  return word === 'unknown' ? 'unknown' : undefined;
}

/** The object without its undefined members, or undefined when none is left. */
function compact<T extends object>(obj: T): { [K in keyof T]?: Exclude<T[K], undefined> } | undefined {
  const entries = Object.entries(obj).filter(([, v]) => v !== undefined);
  return entries.length === 0 ? undefined : (Object.fromEntries(entries) as { [K in keyof T]?: Exclude<T[K], undefined> });
}

/** The best single name for a party: its name, else its email, else its id. */
export function displayName(party: Party | undefined): string | undefined {
  return party?.name ?? party?.email ?? party?.id;
}
