import type { GatewayConfig } from '../config/types.js';
import { compilePipeline, type PluginRegistry } from '../pipeline/mod.js';
import type { Logger } from '../observe/logger.js';
import { routeTargetKey } from '../routing/targets.js';
import type { ResolvedTarget, TargetResolver } from './target.js';
import type { TaskTarget } from './task.js';

/** gateway.yaml destinations, with each route's pipeline compiled (and its plugin configs checked) at start. */
export class RouteTargets implements TargetResolver {
  readonly #targets = new Map<string, ResolvedTarget>();

  private constructor() {}

  static async compile(config: GatewayConfig, registry: PluginRegistry, logger: Logger): Promise<RouteTargets> {
    const self = new RouteTargets();
    for (const [i, route] of config.routes.entries()) {
      const owner = { kind: 'route' as const, id: route.name };
      const pipeline = await compilePipeline(route.pipeline, {
        owner,
        where: `/routes/${i}/pipeline`,
        registry,
        defaultTimeoutMs: config.plugins.timeoutMs,
        logger,
        rootDir: config.rootDir,
      });
      route.destinations.forEach((d, j) => {
        self.#targets.set(routeTargetKey(route.name, j), {
          owner,
          url: d.url,
          method: 'POST',
          headers: d.headers,
          contentMode: d.contentMode,
          keys: d.secret ? [{ id: `${route.name}-${j}`, secret: d.secret }] : [],
          pipeline,
          retry: route.retry ?? config.delivery.retry,
          timeoutMs: d.timeoutMs ?? config.delivery.timeoutMs,
          limits: { maxConcurrency: config.delivery.maxConcurrencyPerTarget },
          routeId: routeTargetKey(route.name, j),
        });
      });
    }
    return self;
  }

  async resolve(target: TaskTarget): Promise<ResolvedTarget | undefined> {
    return target.kind === 'route' ? this.#targets.get(routeTargetKey(target.route, target.destination)) : undefined;
  }

  async close(): Promise<void> {
    const pipelines = new Set([...this.#targets.values()].map((t) => t.pipeline));
    await Promise.all([...pipelines].map((p) => p.close()));
  }
}
