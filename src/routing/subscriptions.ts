// Tenants' active subscriptions as a routing index. Compiled on every reload (types, source, filters incl.
// CESQL), then swapped in whole, so matching never sees a half-built index. Subscriptions naming exact types
// sit in a map by type; only wildcard ones are scanned per event, which keeps 1,000s of subscriptions cheap.
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
}

interface Index {
  byType: Map<string, Entry[]>;
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
      };
      index.size++;
      for (const pattern of new Set(sub.types)) {
        if (isExact(pattern)) {
          const list = index.byType.get(pattern) ?? [];
          list.push(entry);
          index.byType.set(pattern, list);
        } else {
          index.wildcard.push({ type: compileTypePattern(pattern), entry });
        }
      }
    }
    this.#index = index;
  }

  match(event: CloudEvent): Target[] {
    const { byType, wildcard } = this.#index;
    // operational events concern one tenant (sink URLs, error texts): only that tenant's subscriptions see them
    const onlyTenant = operationalTenant(event);
    const seen = new Set<Entry>();
    const out: Target[] = [];
    const consider = (entry: Entry) => {
      if (seen.has(entry)) return;
      seen.add(entry);
      if (onlyTenant !== undefined && (entry.target.kind !== 'subscription' || entry.target.tenantId !== onlyTenant)) return;
      if (entry.source !== undefined && entry.source !== event.source) return;
      if (entry.filter(event)) out.push(entry.target);
    };
    for (const entry of byType.get(event.type) ?? []) consider(entry);
    for (const w of wildcard) if (w.type(event.type)) consider(w.entry);
    return out;
  }
}

/** The tenant an operational event belongs to; "" (matching no tenant) when it names none. */
function operationalTenant(event: CloudEvent): string | undefined {
  if (!isOperational(event.type)) return undefined;
  const tenantId = (event.data as { tenantId?: unknown } | undefined)?.tenantId;
  return event.source === OPERATIONAL_SOURCE && typeof tenantId === 'string' ? tenantId : '';
}
