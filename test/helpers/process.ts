// Runs `ceg` as a real child process, for tests that kill it (SIGKILL) or run several side by side.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import { ROOT } from './gateway.js';

export interface GatewayProcess {
  child: ChildProcess;
  /** everything the process logged */
  output(): string;
  /** resolves when the log shows the gateway listening; the URL it listens on */
  ready: Promise<string>;
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

export function writeConfig(dir: string, doc: Record<string, unknown>, name = 'gateway.yaml'): string {
  const file = path.join(dir, name);
  writeFileSync(file, yaml.dump(doc));
  return file;
}

export function runCeg(args: string[], env: NodeJS.ProcessEnv = {}): GatewayProcess {
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/ceg.js'), ...args], {
    cwd: ROOT,
    env: { ...process.env, CEG_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ready = new Promise<string>((resolve, reject) => {
    const onData = (b: Buffer) => {
      out += b.toString();
      const m = /"url":"(http:\/\/[^"]+)"[^\n]*"msg":"gateway started"/.exec(out);
      if (m?.[1]) resolve(m[1]);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => reject(new Error(`ceg exited (${code}) before it was ready:\n${out.slice(-3000)}`)));
  });
  ready.catch(() => {});
  return {
    child,
    output: () => out,
    ready,
    async kill(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Runs `ceg <args>` to completion; its exit code and output. */
export async function execCeg(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/ceg.js'), ...args], { cwd: ROOT, env: { ...process.env, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b) => (stdout += b));
  child.stderr.on('data', (b) => (stderr += b));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, stdout, stderr };
}
