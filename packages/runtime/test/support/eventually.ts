// Polls a check until it passes or a deadline expires; the last failure is the test's message.
import { setTimeout as delay } from 'node:timers/promises';

export async function eventually<T>(check: () => T | Promise<T>, options: { timeoutMs?: number; intervalMs?: number } = {}): Promise<T> {
  const deadline = performance.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (performance.now() > deadline) throw error;
      await delay(options.intervalMs ?? 100);
    }
  }
}
