// Connecting at start: a database that is not up yet is waited for (with exponential backoff and one log line
// per try) rather than failing the gateway, which reports not-ready meanwhile; the caller's signal stops it.
import { setTimeout as sleep } from 'node:timers/promises';
import { MongoClient, type MongoClientOptions } from 'mongodb';
import type { Logger } from 'pino';
import { isUnavailable } from './errors.js';

export interface ConnectOptions {
  url: string;
  logger: Logger;
  signal?: AbortSignal;
  /** runs once connected (index creation); its failure is retried like the connect */
  init(client: MongoClient): Promise<void>;
}

const FIRST_DELAY_MS = 250;
const MAX_DELAY_MS = 30_000;

/** The driver waits 30 s by default before an operation fails on a server it cannot reach; fail sooner. */
function clientOptions(url: string): MongoClientOptions {
  const opts: MongoClientOptions = { ignoreUndefined: true };
  if (!/[?&]serverSelectionTimeoutMS=/i.test(url)) opts.serverSelectionTimeoutMS = 5000;
  // the driver waits for an answer forever by default: a server that stops answering one request would hold
  // that event unacked, and every event behind it in the ingest order, until a restart. Past this the
  // connection is dropped and the operation fails as STORE_UNAVAILABLE, which retries it.
  if (!/[?&]socketTimeoutMS=/i.test(url)) opts.socketTimeoutMS = 30_000;
  return opts;
}

export async function connectWithRetry({ url, logger, signal, init }: ConnectOptions): Promise<MongoClient> {
  const redacted = url.replace(/\/\/[^@/]*@/, '//***@');
  for (let attempt = 1, delay = FIRST_DELAY_MS; ; attempt++, delay = Math.min(delay * 2, MAX_DELAY_MS)) {
    signal?.throwIfAborted();
    const client = new MongoClient(url, clientOptions(url));
    try {
      await client.connect();
      await init(client);
      logger.info({ url: redacted, attempt }, 'connected to MongoDB');
      return client;
    } catch (err) {
      await client.close().catch(() => undefined);
      if (!isUnavailable(err)) throw err; // bad credentials or config: waiting will not help
      logger.warn({ url: redacted, attempt, retryInMs: delay, err }, `MongoDB not reachable (try ${attempt}), retrying`);
      await sleep(delay, undefined, { signal });
    }
  }
}
