// What a process costs while it works, read from /proc (Linux): peak resident memory and CPU time. The
// kernel's own totals (VmHWM, the process's whole CPU time) would include start-up (tsx compiling
// TypeScript), which is not what a running gateway costs.
import { readFileSync } from 'node:fs';

const EVERY_MS = 250;

export interface RssSampler {
  /** stops sampling; the peak in MiB, undefined where /proc is not available */
  stop(): number | undefined;
}

function rssMiB(pid: number): number | undefined {
  try {
    const kb = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? undefined : Number(kb) / 1024;
  } catch {
    return undefined;
  }
}

export function sampleRss(pid: number): RssSampler {
  let peak: number | undefined;
  const sample = () => {
    const now = rssMiB(pid);
    if (now !== undefined) peak = Math.max(peak ?? 0, now);
  };
  sample();
  const timer = setInterval(sample, EVERY_MS);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      sample();
      return peak;
    },
  };
}

/** User + system CPU seconds the process has used so far; undefined where /proc is not available. */
export function cpuSeconds(pid: number): number | undefined {
  try {
    // the fields after the command name, which is in parentheses and may hold spaces
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // utime and stime are fields 14 and 15 of stat(5), in clock ticks (100 per second on Linux)
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}
