// What a process costs while it works, read from /proc (Linux): peak resident memory and CPU time. The
// kernel's own totals (VmHWM, the process's whole CPU time) would include start-up (tsx compiling
// TypeScript), which is not what a running gateway costs. Also the machine's use: how busy its cores were, and
// its steal time (on a virtual machine whose host is busy, the hypervisor takes CPU time from it, and a run
// measured then says more about the host than about the system under test).
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

/** The machine's CPU time so far in clock ticks: all of it, what it spent idle, and what the hypervisor took (steal). */
export interface MachineTime {
  total: number;
  idle: number;
  steal: number;
}

export function machineTime(): MachineTime | undefined {
  try {
    // cpu  user nice system idle iowait irq softirq steal guest guest_nice (proc(5)); guest time is inside user
    const [user, nice, system, idle, iowait, irq, softirq, steal] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1, 9).map(Number);
    const total = user! + nice! + system! + idle! + iowait! + irq! + softirq! + steal!;
    return Number.isFinite(total) ? { total, idle: idle! + iowait!, steal: steal! } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Shares of the machine's time between two readings, 0..1: `busy`, what its processes used (every one of them:
 * the publisher, the receiver and nats-server too), and `steal`, what the hypervisor took. Near full use the
 * cores, not the system under test, set the pace, and the systems compare by the CPU each delivery costs.
 */
export function machineBetween(before: MachineTime | undefined, after: MachineTime | undefined): { busy: number; steal: number } | undefined {
  if (!before || !after || after.total <= before.total) return undefined;
  const total = after.total - before.total;
  const steal = after.steal - before.steal;
  return { busy: (total - (after.idle - before.idle) - steal) / total, steal: steal / total };
}
