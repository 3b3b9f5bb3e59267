// Keeps every gateway instance's view of subscriptions current: a change announced on a NATS subject
// makes each instance reload within moments, and a periodic reload repairs anything a lost message missed.
// Core NATS (not JetStream) is enough: the periodic reload is the durable path.
import type { NatsConnection, Subscription as NatsSubscription } from '@nats-io/transport-node';
import type { Logger } from '../observe/logger.js';
import type { Store, Subscription } from '../store/types.js';

export const SUBSCRIPTIONS_CHANGED_SUBJECT = 'ceg.control.subscriptions.changed';

export interface SyncOptions {
  /** safety-net reload period */
  intervalMs?: number;
  /** coalesces bursts of change messages into one reload */
  debounceMs?: number;
}

export class SubscriptionSync {
  #sub?: NatsSubscription;
  #timer?: NodeJS.Timeout;
  #pending?: NodeJS.Timeout;
  #reloading: Promise<void> = Promise.resolve();
  readonly #listeners: Array<(subs: Subscription[]) => void> = [];

  constructor(
    private readonly nc: NatsConnection,
    private readonly store: Store,
    private readonly logger: Logger,
    private readonly opts: SyncOptions = {},
  ) {}

  /** Called with the active subscriptions after every reload. */
  onReload(listener: (subs: Subscription[]) => void): void {
    this.#listeners.push(listener);
  }

  async start(): Promise<void> {
    await this.reload();
    this.#sub = this.nc.subscribe(SUBSCRIPTIONS_CHANGED_SUBJECT, { callback: () => this.#schedule() });
    this.#timer = setInterval(() => this.#schedule(), this.opts.intervalMs ?? 30_000);
    this.#timer.unref();
  }

  /** Announces a change to every instance (this one included) and reloads here before returning. */
  async changed(tenantId: string, id: string): Promise<void> {
    await this.reload();
    this.nc.publish(SUBSCRIPTIONS_CHANGED_SUBJECT, JSON.stringify({ tenantId, id }));
  }

  /** Reloads now; concurrent calls share one reload in flight after the current one. */
  reload(): Promise<void> {
    this.#reloading = this.#reloading.then(async () => {
      try {
        const subs = await this.store.subscriptions.listActive();
        for (const l of this.#listeners) l(subs);
      } catch (err) {
        this.logger.warn({ err }, 'cannot reload subscriptions; keeping the previous set');
      }
    });
    return this.#reloading;
  }

  #schedule(): void {
    if (this.#pending) return;
    this.#pending = setTimeout(() => {
      this.#pending = undefined;
      void this.reload();
    }, this.opts.debounceMs ?? 50);
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    clearTimeout(this.#pending);
    this.#sub?.unsubscribe();
    await this.#reloading;
  }
}
