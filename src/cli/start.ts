import { loadConfigFile } from '../config/load.js';
import { Gateway } from '../gateway.js';

export async function startCommand(opts: { config: string }): Promise<void> {
  const config = loadConfigFile(opts.config);
  const gateway = await Gateway.start(config);
  let signals = 0;
  const stop = (signal: string) => {
    // a second signal means "now": skip the drain
    if (++signals > 1) process.exit(1);
    gateway.logger.info({ signal }, 'signal received, draining');
    gateway.stop().then(
      () => process.exit(0),
      (err) => {
        gateway.logger.error({ err }, 'stop failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}
