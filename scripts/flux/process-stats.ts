// What a controller process costs, read from /proc the same way for a Node and a Go process: CPU seconds, resident
// set now and at its peak (VmHWM, reset between shapes), and whether it has gone quiet after starting.
import { readFileSync, writeFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';

/** Clock ticks per second in /proc/<pid>/stat (USER_HZ is 100 on Linux). */
const TICKS = 100;

/** User + system CPU seconds of the process and of the children it has waited for. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // the command name may hold spaces: the fields start after its closing parenthesis
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const [utime, stime, cutime, cstime] = [11, 12, 13, 14].map((index) => Number(fields[index]));
  return ((utime ?? 0) + (stime ?? 0) + (cutime ?? 0) + (cstime ?? 0)) / TICKS;
}

function statusKib(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
}

export const rssMiB = (pid: number): number => statusKib(pid, 'VmRSS') / 1024;
export const peakRssMiB = (pid: number): number => statusKib(pid, 'VmHWM') / 1024;

/** Starts a new peak: writing 5 to clear_refs resets VmHWM to the current RSS. */
export function resetPeakRss(pid: number): void {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
  } catch {
    // not ours to reset (another user): the peak then covers the process's whole life, which the table says
  }
}

/** Waits until the process has used no CPU for `quietMs` (it has started and has nothing to do), up to `timeoutMs`. */
export async function untilIdle(pid: number, quietMs = 2000, timeoutMs = 30_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let last = cpuSeconds(pid);
  let quietSince = Date.now();
  while (Date.now() < deadline) {
    await delay(250);
    const now = cpuSeconds(pid);
    if (now > last + 0.02) quietSince = Date.now();
    last = now;
    if (Date.now() - quietSince >= quietMs) return true;
  }
  return false;
}

/** The 1-minute load average, as the table's note on noise. */
export function loadAverage(): number {
  return Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
}
