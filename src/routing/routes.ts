// The gateway.yaml route table, compiled once: each route's type patterns become one predicate, so
// matching an event is a few string comparisons per route.
import type { CloudEvent } from '../cloudevents/event.js';
import type { RouteConfig } from '../config/types.js';
import { compileTypePatterns, type TypePredicate } from './pattern.js';
import { routeTargetKey, type Target } from './targets.js';

interface CompiledRoute {
  route: RouteConfig;
  type: TypePredicate;
}

export class RouteTable {
  readonly #routes: CompiledRoute[];

  constructor(routes: RouteConfig[]) {
    this.#routes = routes.map((route) => ({ route, type: compileTypePatterns(route.match.types) }));
  }

  /** The route destinations an event goes to, in config order. */
  match(event: CloudEvent): Target[] {
    const out: Target[] = [];
    for (const { route, type } of this.#routes) {
      if (!type(event.type)) continue;
      if (route.match.source !== undefined && route.match.source !== event.source) continue;
      if (route.match.subject !== undefined && route.match.subject !== event.subject) continue;
      route.destinations.forEach((destination, i) =>
        out.push({ kind: 'route', key: routeTargetKey(route.name, i), route, destinationIndex: i, destination }),
      );
    }
    return out;
  }

  get(name: string): RouteConfig | undefined {
    return this.#routes.find((r) => r.route.name === name)?.route;
  }
}
