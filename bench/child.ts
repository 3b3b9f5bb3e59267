// The systems under test run as child processes, so each one's RSS is its own and none of them competes
// with the publisher and receiver for this process's event loop.
import { spawn } from 'node:child_process';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '..');

export interface Child {
  pid: number;
  /** SIGTERM (a graceful drain), SIGKILL after `graceMs` */
  stop(graceMs?: number): Promise<void>;
}

/** Starts `node <args>` from the project root and resolves once its output matches `ready`. */
export async function startNode(args: string[], ready: RegExp, opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<Child> {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // the tail only: enough to explain a failed start, bounded however chatty the child is
  let tail = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${args.join(' ')} not ready after ${opts.timeoutMs ?? 30_000} ms:\n${tail}`)), opts.timeoutMs ?? 30_000);
    const onData = (b: Buffer) => {
      tail = (tail + b.toString()).slice(-4000);
      if (ready.test(tail)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`${args.join(' ')} exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${tail}`));
    });
  });
  return {
    pid: child.pid!,
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
