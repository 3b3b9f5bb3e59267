import { readFileSync } from 'node:fs';
import { connect, credsAuthenticator, type NatsConnection } from '@nats-io/transport-node';
import type { GatewayConfig } from '../config/types.js';
import { ErrorCodes, GatewayError } from '../errors.js';
import type { Logger } from '../observe/logger.js';

/** Connects with the configured credentials; reconnects forever, logging state changes. */
export async function connectNats(cfg: GatewayConfig['nats'], servers: string[], logger: Logger): Promise<NatsConnection> {
  try {
    const nc = await connect({
      servers,
      name: cfg.name,
      user: cfg.user,
      pass: cfg.password,
      token: cfg.token,
      authenticator: cfg.credentials ? credsAuthenticator(readFileSync(cfg.credentials)) : undefined,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 500,
      // every request (each task publish) otherwise builds two Error objects just for their stack traces,
      // a measurable share of the hot path; errors still carry their messages and causes
      noAsyncTraces: true,
    });
    void (async () => {
      for await (const s of nc.status()) {
        if (s.type === 'disconnect' || s.type === 'reconnect' || s.type === 'error') {
          logger.warn({ nats: s.type, server: 'server' in s ? s.server : undefined }, `nats ${s.type}`);
        }
      }
    })();
    return nc;
  } catch (err) {
    throw new GatewayError(
      ErrorCodes.NATS_UNAVAILABLE,
      `cannot connect to NATS at ${servers.join(', ')}: ${(err as Error).message}; check nats.servers (or NATS_URL) and that the server runs with JetStream (-js)`,
      { cause: err, retryable: true },
    );
  }
}
