// A FerretDB (MongoDB wire protocol over SQLite) child process for the store's MongoDB tests: its own temp
// directory, free loopback ports, and kill/restart on the same port and data for outage tests.
// The binary comes from FERRETDB_BIN, else from the cache scripts/ferretdb.sh fills.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const FERRETDB_VERSION = 'v1.24.2';

export interface FerretDB {
  url: string;
  /** graceful stop; removes the data */
  stop(): Promise<void>;
  /** SIGKILL, data kept: an outage */
  kill(): Promise<void>;
  /** starts again on the same port with the same data */
  restart(): Promise<void>;
}

export function ferretdbBinary(): string | undefined {
  const cache = process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache');
  const bin = process.env.FERRETDB_BIN ?? join(cache, 'cloudevents-gateway', `ferretdb-${FERRETDB_VERSION}`, 'bin', 'ferretdb');
  return existsSync(bin) ? bin : undefined;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = createConnection({ host: '127.0.0.1', port });
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('error', () => resolve(false));
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

export async function startFerretDB(bin = ferretdbBinary()): Promise<FerretDB> {
  if (!bin) throw new Error('no FerretDB binary: run scripts/ferretdb.sh or set FERRETDB_BIN');
  const dir = await mkdtemp(join(tmpdir(), 'ceg-ferretdb-'));
  const port = await freePort();
  const debugPort = await freePort();
  const args = [
    '--handler=sqlite',
    `--sqlite-url=file:${dir}/`,
    `--state-dir=${dir}`,
    `--listen-addr=127.0.0.1:${port}`,
    `--debug-addr=127.0.0.1:${debugPort}`,
    '--telemetry=disable',
    '--log-level=ERROR',
  ];
  let child: ChildProcess;
  let output = '';

  const launch = async (): Promise<void> => {
    output = '';
    child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const deadline = Date.now() + 30_000;
    while (!(await accepts(port))) {
      if (child.exitCode !== null) throw new Error(`FerretDB exited with ${child.exitCode}:\n${output}`);
      if (Date.now() > deadline) throw new Error(`FerretDB did not listen on ${port} within 30 s:\n${output}`);
      await sleep(50);
    }
  };
  await launch();

  return {
    url: `mongodb://127.0.0.1:${port}/`,
    async kill() {
      child.kill('SIGKILL');
      await exited(child);
    },
    async restart() {
      await exited(child);
      await launch();
    },
    async stop() {
      child.kill('SIGTERM');
      await exited(child);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
