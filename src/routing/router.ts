// Where an event goes: gateway.yaml routes first, then tenants' subscriptions. Both sources are compiled
// indexes; the router only concatenates their answers.
import type { CloudEvent } from '../cloudevents/event.js';
import type { RouteTable } from './routes.js';
import type { Target } from './targets.js';

export interface TargetSource {
  match(event: CloudEvent): Target[];
}

export class Router {
  constructor(private readonly sources: TargetSource[]) {}

  match(event: CloudEvent): Target[] {
    return this.sources.flatMap((s) => s.match(event));
  }

  static of(routes: RouteTable, ...more: TargetSource[]): Router {
    return new Router([routes, ...more]);
  }
}
