// Exponential backoff with full jitter for reconnect loops: each failure doubles the ceiling up to a maximum.

export class ExponentialBackoff {
  private readonly initialMs: number;
  private readonly maxMs: number;
  private failures = 0;

  constructor(initialMs = 800, maxMs = 30_000) {
    this.initialMs = initialMs;
    this.maxMs = maxMs;
  }

  /** The delay before the next attempt; grows with each call until reset(). */
  next(): number {
    const ceiling = Math.min(this.maxMs, this.initialMs * 2 ** this.failures);
    this.failures += 1;
    // half fixed, half random: never hammer, never synchronise many watchers
    return ceiling / 2 + Math.random() * (ceiling / 2);
  }

  reset(): void {
    this.failures = 0;
  }
}

/** Resolves after `ms`, or early (without throwing) when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
