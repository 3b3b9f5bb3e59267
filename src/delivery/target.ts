// What a worker needs to send a task: where, how, with which keys, through which pipeline. Route targets
// come from gateway.yaml and are compiled once at start; subscription targets from the store.
import type { RetryPolicy } from '../config/types.js';
import type { CompiledPipeline } from '../pipeline/mod.js';
import type { PipelineOwner, SigningKey } from '../pipeline/types.js';
import type { TargetLimits } from './budget.js';
import type { TaskTarget } from './task.js';

export interface ResolvedTarget {
  owner: PipelineOwner;
  url: string;
  method: string;
  headers: Record<string, string>;
  contentMode: 'binary' | 'structured';
  /** signing keys, newest first; empty when the target is not signed */
  keys: SigningKey[];
  pipeline: CompiledPipeline;
  retry: RetryPolicy;
  timeoutMs: number;
  limits: TargetLimits;
  /** as stored on the delivery */
  routeId?: string;
  subscriptionId?: string;
  tenantId?: string;
}

/** A target that exists but takes nothing now (a paused subscription): its tasks wait. */
export const HELD = 'held' as const;

export interface TargetResolver {
  /** undefined when the target no longer exists or was disabled; HELD while it is paused */
  resolve(target: TaskTarget): Promise<ResolvedTarget | typeof HELD | undefined>;
}

/** Routes and subscriptions behind one resolver. */
export function targetsOf(routes: TargetResolver, subscriptions: TargetResolver): TargetResolver {
  return { resolve: (t) => (t.kind === 'route' ? routes.resolve(t) : subscriptions.resolve(t)) };
}
