// Peak resident memory of a process while it works, read from /proc (Linux). The kernel's own high-water
// mark (VmHWM) would include start-up (tsx compiling TypeScript), which is not what a running gateway costs.
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
