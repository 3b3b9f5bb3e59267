// The gateway.yaml route table, compiled once. Routes whose type patterns are all literal types are
// indexed by type, and within a type by `match.source` where they name one, so an event looks only at the
// routes that can match it: a table of a thousand per-source routes costs a map look-up, not a thousand
// comparisons. Routes with a wildcard pattern are checked one by one.
import type { CloudEvent } from '../cloudevents/event.js';
import type { RouteConfig } from '../config/types.js';
import { compileTypePatterns, isLiteralType, type TypePredicate } from './pattern.js';
import { routeTargetKey, type Target } from './targets.js';

interface CompiledRoute {
  route: RouteConfig;
  type: TypePredicate;
  /** place in the config: matches come out in this order */
  order: number;
  /** one per destination, built once */
  targets: Target[];
}

interface TypeEntry {
  /** routes of this type that name a source, by that source */
  bySource: Map<string, CompiledRoute[]>;
  /** routes of this type that match any source */
  anySource: CompiledRoute[];
}

export class RouteTable {
  readonly #byName = new Map<string, RouteConfig>();
  readonly #byType = new Map<string, TypeEntry>();
  readonly #wildcard: CompiledRoute[] = [];

  constructor(routes: RouteConfig[]) {
    routes.forEach((route, order) => {
      this.#byName.set(route.name, route);
      const compiled: CompiledRoute = {
        route,
        order,
        type: compileTypePatterns(route.match.types),
        targets: route.destinations.map((destination, i) => ({
          kind: 'route',
          key: routeTargetKey(route.name, i),
          route,
          destinationIndex: i,
          destination,
        })),
      };
      if (!route.match.types.every(isLiteralType)) {
        this.#wildcard.push(compiled);
        return;
      }
      for (const type of new Set(route.match.types)) {
        let entry = this.#byType.get(type);
        if (!entry) this.#byType.set(type, (entry = { bySource: new Map(), anySource: [] }));
        const { source } = route.match;
        if (source === undefined) entry.anySource.push(compiled);
        else if (entry.bySource.has(source)) entry.bySource.get(source)!.push(compiled);
        else entry.bySource.set(source, [compiled]);
      }
    });
  }

  /** The route destinations an event goes to, in config order. */
  match(event: CloudEvent): Target[] {
    const entry = this.#byType.get(event.type);
    const lists = [entry?.anySource, entry?.bySource.get(event.source), this.#wildcard].filter((l): l is CompiledRoute[] => l !== undefined && l.length > 0);
    if (lists.length === 0) return [];
    // each list is in config order; only a merge of several needs sorting
    const candidates = lists.length === 1 ? lists[0]! : lists.flat().sort((a, b) => a.order - b.order);
    const out: Target[] = [];
    for (const { route, type, targets } of candidates) {
      if (!type(event.type)) continue;
      if (route.match.source !== undefined && route.match.source !== event.source) continue;
      if (route.match.subject !== undefined && route.match.subject !== event.subject) continue;
      out.push(...targets);
    }
    return out;
  }

  get(name: string): RouteConfig | undefined {
    return this.#byName.get(name);
  }
}
