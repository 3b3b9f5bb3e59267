// What a process costs while it works, read from /proc (Linux): peak resident memory and CPU time. The
// kernel's own totals (VmHWM, the process's whole CPU time) would include start-up (tsx compiling
// TypeScript), which is not what a running gateway costs. Also the machine's steal time: on a virtual
// machine whose host is busy, the hypervisor takes CPU time from it, and a run measured then says more
// about the host than about the system under test.
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

/** The machine's CPU time so far, all of it and what the hypervisor took (steal), in clock ticks. */
export interface MachineTime {
  total: number;
  steal: number;
}

export function machineTime(): MachineTime | undefined {
  try {
    // cpu  user nice system idle iowait irq softirq steal guest guest_nice (proc(5)); guest time is inside user
    const [user, nice, system, idle, iowait, irq, softirq, steal] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1, 9).map(Number);
    const total = user! + nice! + system! + idle! + iowait! + irq! + softirq! + steal!;
    return Number.isFinite(total) ? { total, steal: steal! } : undefined;
  } catch {
    return undefined;
  }
}

/** The share of the machine's time between two readings that the hypervisor took, 0..1. */
export function stealBetween(before: MachineTime | undefined, after: MachineTime | undefined): number | undefined {
  if (!before || !after || after.total <= before.total) return undefined;
  return (after.steal - before.steal) / (after.total - before.total);
}
