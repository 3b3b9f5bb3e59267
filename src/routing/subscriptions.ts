// Tenants' active subscriptions as a routing index. Compiled on every reload (types, source, filters incl.
// CESQL), then swapped in whole, so matching never sees a half-built index. Subscriptions naming exact types
// sit in a map by type, and within a type by the source they name; only wildcard ones are scanned per event,
// so 1,000s of per-source subscriptions cost a look-up, not 1,000s of comparisons.
import type { CloudEvent } from '../cloudevents/event.js';
import { compileFilters, type EventPredicate } from '../filters/mod.js';
import type { Logger } from '../observe/logger.js';
import type { Subscription } from '../store/types.js';
import { isOperational, OPERATIONAL_SOURCE } from './operational.js';
import { compileTypePattern, type TypePredicate } from './pattern.js';
import type { TargetSource } from './router.js';
import { subscriptionTargetKey, type Target } from './targets.js';

interface Entry {
  target: Target;
  source?: string;
  filter: EventPredicate;
  /** load order, which matching keeps */
  order: number;
}

interface ByType {
  /** subscriptions of this type that name a source, by that source */
  bySource: Map<string, Entry[]>;
  /** those that take any source */
  anySource: Entry[];
}

interface Index {
  byType: Map<string, ByType>;
  wildcard: Array<{ type: TypePredicate; entry: Entry }>;
  size: number;
}

const EMPTY: Index = { byType: new Map(), wildcard: [], size: 0 };

function isExact(pattern: string): boolean {
  return pattern !== '>' && !pattern.split('.').some((s) => s === '*' || s === '>');
}

export class SubscriptionIndex implements TargetSource {
  #index: Index = EMPTY;

  constructor(private readonly logger: Logger) {}

  get size(): number {
    return this.#index.size;
  }

  /** Replaces the index with one built from these subscriptions (inactive ones are left out). */
  load(subscriptions: Subscription[]): void {
    const index: Index = { byType: new Map(), wildcard: [], size: 0 };
    for (const sub of subscriptions) {
      if (sub.state !== 'active') continue;
      let filter: EventPredicate;
      try {
        filter = sub.filters?.length ? compileFilters(sub.filters) : () => true;
      } catch (err) {
        // the API validates filters on write; a stored one that no longer compiles must not stop routing
        this.logger.error({ err, subscription: sub.id }, 'subscription filters do not compile; subscription skipped');
        continue;
      }
      const entry: Entry = {
        target: {
          kind: 'subscription',
          key: subscriptionTargetKey(sub.id),
          subscriptionId: sub.id,
          tenantId: sub.tenantId,
          ...(sub.orderingKey ? { orderingKey: sub.orderingKey } : {}),
        },
        source: sub.source,
        filter,
        order: index.size,
      };
      index.size++;
      for (const pattern of new Set(sub.types)) {
        if (isExact(pattern)) {
          let byType = index.byType.get(pattern);
          if (!byType) index.byType.set(pattern, (byType = { bySource: new Map(), anySource: [] }));
          if (sub.source === undefined) byType.anySource.push(entry);
          else if (byType.bySource.has(sub.source)) byType.bySource.get(sub.source)!.push(entry);
          else byType.bySource.set(sub.source, [entry]);
        } else {
          index.wildcard.push({ type: compileTypePattern(pattern), entry });
        }
      }
    }
    this.#index = index;
  }

  match(event: CloudEvent): Target[] {
    const { byType, wildcard } = this.#index;
    const exact = byType.get(event.type);
    const wild = wildcard.length ? wildcard.filter((w) => w.type(event.type)).map((w) => w.entry) : [];
    const lists = [exact?.anySource, exact?.bySource.get(event.source), wild].filter((l): l is Entry[] => l !== undefined && l.length > 0);
    if (lists.length === 0) return [];
    // each list is in load order; a merge of several is sorted, which also puts a subscription that more than
    // one of its patterns matched next to itself
    const candidates = lists.length === 1 ? lists[0]! : lists.flat().sort((a, b) => a.order - b.order);
    // operational events concern one tenant (sink URLs, error texts): only that tenant's subscriptions see them
    const onlyTenant = operationalTenant(event);
    const out: Target[] = [];
    let previous: Entry | undefined;
    for (const entry of candidates) {
      if (entry === previous) continue;
      previous = entry;
      if (onlyTenant !== undefined && (entry.target.kind !== 'subscription' || entry.target.tenantId !== onlyTenant)) continue;
      if (entry.source !== undefined && entry.source !== event.source) continue;
      if (entry.filter(event)) out.push(entry.target);
    }
    return out;
  }
}

/** The tenant an operational event belongs to; "" (matching no tenant) when it names none. */
function operationalTenant(event: CloudEvent): string | undefined {
  if (!isOperational(event.type)) return undefined;
  const tenantId = (event.data as { tenantId?: unknown } | undefined)?.tenantId;
  return event.source === OPERATIONAL_SOURCE && typeof tenantId === 'string' ? tenantId : '';
}
