// A nats-server child process for embedded runs (no `nats.servers` configured) and for tests, which
// start their own servers on free ports so they never depend on a server they did not start.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { ErrorCodes, GatewayError } from '../errors.js';

export interface LocalServerOptions {
  binary?: string;
  /** 0 picks a free port */
  port?: number;
  host?: string;
  storeDir: string;
  /** cluster name and routes, for multi-server tests */
  cluster?: { name: string; port: number; routes: string[] };
  serverName?: string;
  /** extra arguments, e.g. ['-DV'] */
  args?: string[];
}

export interface LocalServer {
  url: string;
  port: number;
  process: ChildProcess;
  /** SIGTERM and wait for exit */
  stop(): Promise<void>;
}

/** Where a gateway started on embedded defaults records its child server's URL (for `ceg publish`). */
export function localNatsUrlFile(config: { storage: { dataDir: string } }): string {
  return path.join(config.storage.dataDir, 'nats.url');
}

export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, host, () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export async function startLocalServer(opts: LocalServerOptions): Promise<LocalServer> {
  const host = opts.host ?? '127.0.0.1';
  const port = opts.port || (await freePort(host));
  mkdirSync(opts.storeDir, { recursive: true });
  const args = ['-a', host, '-p', String(port), '-js', '-sd', path.resolve(opts.storeDir)];
  if (opts.serverName) args.push('-n', opts.serverName);
  if (opts.cluster) {
    args.push('--cluster_name', opts.cluster.name, '--cluster', `nats://${host}:${opts.cluster.port}`);
    if (opts.cluster.routes.length) args.push('--routes', opts.cluster.routes.join(','));
  }
  args.push(...(opts.args ?? []));
  const binary = opts.binary ?? 'nats-server';
  const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (b: Buffer) => {
    stderr = (stderr + b.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const failed = new Promise<never>((_, reject) => {
    child.once('error', (err) =>
      reject(
        new GatewayError(
          ErrorCodes.NATS_UNAVAILABLE,
          `cannot start ${binary}: ${err.message}; install it (Debian: apt-get install nats-server) or set nats.servers in gateway.yaml`,
          { cause: err },
        ),
      ),
    );
    child.once('exit', (code) =>
      reject(new GatewayError(ErrorCodes.NATS_UNAVAILABLE, `${binary} exited with code ${code} at start:\n${stderr}`)),
    );
  });
  await Promise.race([waitForPort(host, port, 10_000), failed]);
  failed.catch(() => {}); // later exits are reported by the caller's connection, not here
  return {
    url: `nats://${host}:${port}`,
    port,
    process: child,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

async function waitForPort(host: string, port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, host, () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new GatewayError(ErrorCodes.NATS_UNAVAILABLE, `nats-server did not listen on ${host}:${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
