// What a controller process costs, read from /proc the same way for a Node and a Go process: CPU seconds, resident
// set now and at its peak (VmHWM, reset between shapes), the peak of it and its children (helm) summed, and whether
// it has gone quiet after starting.
import { readFileSync, writeFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { cpuSeconds } from '@fluxion/testenv';

export { cpuSeconds };

/** CPU seconds of the process and of every descendant still running (a long-lived child such as helm-controller's
 * SDK helper is never waited for, so the parent's own figure would leave it out), plus those it has waited for. */
export function treeCpuSeconds(pid: number): number {
  let seconds = 0;
  for (const member of processTree(pid)) {
    try {
      seconds += cpuSeconds(member);
    } catch {
      // exited meanwhile: its parent's waited-for figure has it once reaped
    }
  }
  return seconds;
}

function statusKib(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
}

export const rssMiB = (pid: number): number => statusKib(pid, 'VmRSS') / 1024;
export const peakRssMiB = (pid: number): number => statusKib(pid, 'VmHWM') / 1024;

/** The process and its descendants, from the kernel's children lists (no scan of /proc); a gone process has none. */
export function processTree(pid: number): number[] {
  let children: number[] = [];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter(Boolean).map(Number);
  } catch {
    // exited between the parent's list and now
  }
  return [pid, ...children.flatMap(processTree)];
}

/** VmRSS of the process and its descendants, summed, in MiB (a child that exits meanwhile counts 0). */
export function treeRssMiB(pid: number): number {
  let kib = 0;
  for (const member of processTree(pid)) {
    try {
      kib += statusKib(member, 'VmRSS');
    } catch {
      // exited
    }
  }
  return kib / 1024;
}

/**
 * Samples the summed RSS of a process tree every `intervalMs` until stopped: the peak of a controller together with
 * the helm processes it runs (VmHWM alone sees only the controller). Never below the controller's own VmHWM.
 */
export class TreePeak {
  readonly #pid: number;
  readonly #timer: NodeJS.Timeout;
  #peak = 0;

  constructor(pid: number, intervalMs = 100) {
    this.#pid = pid;
    this.#timer = setInterval(() => this.sample(), intervalMs);
    this.sample();
  }

  sample(): void {
    try {
      this.#peak = Math.max(this.#peak, treeRssMiB(this.#pid));
    } catch {
      // the controller exited: the phase reports that itself
    }
  }

  /** Stops sampling; the peak of the tree, or the controller's VmHWM if that is higher. */
  stop(): number {
    clearInterval(this.#timer);
    this.sample();
    let own = 0;
    try {
      own = peakRssMiB(this.#pid);
    } catch {
      // exited
    }
    return Math.max(this.#peak, own);
  }
}

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
