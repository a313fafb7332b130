// Polling for tests, benchmarks and the demo: wait for the world to reach a state, with a deadline, never a sleep.
import { setTimeout as delay } from 'node:timers/promises';

export interface PollOptions {
  timeoutMs?: number;
  intervalMs?: number;
}

/** Thrown by a check to stop polling at once (e.g. the process being waited on died). */
export class StopPolling extends Error {
  override readonly name = 'StopPolling';
}

/** Assertion style: retries `check` while it throws; the last failure becomes the test's message. */
export async function eventually<T>(check: () => T | Promise<T>, options: PollOptions = {}): Promise<T> {
  const deadline = performance.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (error instanceof StopPolling || performance.now() > deadline) throw error;
      await delay(options.intervalMs ?? 100);
    }
  }
}

/** Value style: retries until `check` returns something other than undefined or false, naming `what` on timeout. */
export async function pollUntil<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  timeoutMs = 60_000,
  intervalMs = 200,
): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
      last = value;
    } catch (error) {
      if (error instanceof StopPolling) throw error;
      last = error;
    }
    if (performance.now() > deadline) {
      const detail =
        last instanceof Error
          ? `; last error: ${last.message}`
          : last === undefined
            ? ''
            : `; last: ${JSON.stringify(last)}`;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${detail}`);
    }
    await delay(intervalMs);
  }
}
