// What every repository gets besides its database handle.
import type { Logger } from 'pino';
import type { KeyRing } from './crypto.js';
import type { Clock } from './types.js';

export interface StoreContext {
  now: Clock;
  ring: KeyRing;
  retentionDays: number;
  logger: Logger;
}
