// A keyed work queue: each key queued at most once, never worked on twice at once, with its own backoff.

/** What the worker made of one key; the queue decides from it when the key comes back. */
export type WorkOutcome =
  /** Success: the key's backoff is reset; with `requeueAfterMs` it comes back after that (jittered). */
  | { kind: 'done'; requeueAfterMs?: number }
  /** Failure worth retrying: the key comes back after its own exponential backoff. */
  | { kind: 'retry' }
  /** Failure that no retry can fix: backoff is reset and the key waits for a new event. */
  | { kind: 'drop' };

export type KeyWorker = (key: string) => Promise<WorkOutcome>;

export interface WorkQueueOptions {
  /** Keys worked on at once (Flux's `--concurrent`). */
  concurrency: number;
  /** First retry delay (Flux's `--min-retry-delay`, 750ms). */
  minRetryDelayMs: number;
  /** Longest retry delay (Flux's `--max-retry-delay`, 15m). */
  maxRetryDelayMs: number;
  /** `requeueAfter` is spread by up to this fraction either way, so objects do not all wake together. */
  jitterRatio?: number;
  /** Source of randomness for the jitter; tests pass a fixed one. */
  random?: () => number;
}

export const defaultJitterRatio = 0.05;

export class WorkQueue {
  readonly #options: Required<WorkQueueOptions>;
  /** Keys ready to be worked on, in arrival order; `#queuedKeys` mirrors it for O(1) membership. */
  readonly #readyKeys: string[] = [];
  readonly #queuedKeys = new Set<string>();
  /** Keys a worker holds right now. */
  readonly #processingKeys = new Set<string>();
  /** Keys added while a worker held them: they run again as soon as it lets go. */
  readonly #dirtyKeys = new Set<string>();
  /** At most one pending future add per key, with its due time. */
  readonly #delayedAdds = new Map<string, { dueAt: number; timer: NodeJS.Timeout }>();
  readonly #failureCounts = new Map<string, number>();
  readonly #inFlight = new Set<Promise<void>>();
  #worker: KeyWorker | undefined;
  #shuttingDown = false;
  #idleWaiters: Array<() => void> = [];

  constructor(options: WorkQueueOptions) {
    if (!Number.isInteger(options.concurrency) || options.concurrency < 1) {
      throw new RangeError(`work queue concurrency must be a positive integer, got ${options.concurrency}`);
    }
    if (options.minRetryDelayMs <= 0 || options.maxRetryDelayMs < options.minRetryDelayMs) {
      throw new RangeError(
        `retry delays must satisfy 0 < min (${options.minRetryDelayMs}ms) <= max (${options.maxRetryDelayMs}ms)`,
      );
    }
    this.#options = { jitterRatio: defaultJitterRatio, random: Math.random, ...options };
  }

  /** Queue a key now. A key already queued stays queued once; one being worked on runs again after. */
  add(key: string): void {
    if (this.#shuttingDown) return;
    if (this.#processingKeys.has(key)) {
      this.#dirtyKeys.add(key);
      return;
    }
    if (this.#queuedKeys.has(key)) return;
    this.#queuedKeys.add(key);
    this.#readyKeys.push(key);
    this.#dispatch();
  }

  /** Queue a key after a delay; an earlier pending add for the same key wins. */
  addAfter(key: string, delayMs: number): void {
    if (this.#shuttingDown) return;
    if (delayMs <= 0) {
      this.add(key);
      return;
    }
    const dueAt = Date.now() + delayMs;
    const pending = this.#delayedAdds.get(key);
    if (pending && pending.dueAt <= dueAt) return;
    if (pending) clearTimeout(pending.timer);
    const timer = setTimeout(() => {
      this.#delayedAdds.delete(key);
      this.add(key);
    }, delayMs);
    // A pending retry alone should not keep a process alive; the manager's servers and signals do.
    timer.unref();
    this.#delayedAdds.set(key, { dueAt, timer });
  }

  /** Queue a key after its own backoff: min, 2×min, 4×min, … capped at max. */
  addWithBackoff(key: string): number {
    const failures = this.#failureCounts.get(key) ?? 0;
    this.#failureCounts.set(key, failures + 1);
    const delayMs = this.backoffDelayMs(failures);
    this.addAfter(key, delayMs);
    return delayMs;
  }

  /** The retry delay after `failures` earlier failures in a row. */
  backoffDelayMs(failures: number): number {
    const { minRetryDelayMs, maxRetryDelayMs } = this.#options;
    // Past 2^40 the cap has long been reached; stop before the float overflows.
    const exponent = Math.min(failures, 40);
    return Math.min(minRetryDelayMs * 2 ** exponent, maxRetryDelayMs);
  }

  /** Reset a key's backoff, as after a success. */
  forget(key: string): void {
    this.#failureCounts.delete(key);
  }

  failures(key: string): number {
    return this.#failureCounts.get(key) ?? 0;
  }

  /** Keys waiting to be worked on now (not counting delayed ones). */
  get length(): number {
    return this.#readyKeys.length;
  }

  get activeCount(): number {
    return this.#processingKeys.size;
  }

  get isShuttingDown(): boolean {
    return this.#shuttingDown;
  }

  /** Keys with a future add pending (retries and requeueAfter). */
  delayedKeys(): string[] {
    return [...this.#delayedAdds.keys()];
  }

  /** Start handing keys to `worker`, at most `concurrency` at once. */
  start(worker: KeyWorker): void {
    if (this.#worker) throw new Error('work queue already started');
    this.#worker = worker;
    this.#dispatch();
  }

  /**
   * Stop taking work: queued and delayed keys are dropped, keys being worked on finish.
   * Resolves true when every in-flight key finished within `graceMs`, false if the grace ran out.
   */
  async shutDown(graceMs = Number.POSITIVE_INFINITY): Promise<boolean> {
    this.#shuttingDown = true;
    for (const { timer } of this.#delayedAdds.values()) clearTimeout(timer);
    this.#delayedAdds.clear();
    this.#readyKeys.length = 0;
    this.#queuedKeys.clear();
    this.#dirtyKeys.clear();
    const drained = Promise.allSettled([...this.#inFlight]).then(() => true);
    if (!Number.isFinite(graceMs)) return drained;
    let graceTimer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<boolean>((resolve) => {
      graceTimer = setTimeout(() => resolve(false), graceMs);
    });
    try {
      return await Promise.race([drained, graceOver]);
    } finally {
      clearTimeout(graceTimer);
    }
  }

  /** Resolves once nothing is queued or being worked on (delayed keys do not count). */
  whenIdle(): Promise<void> {
    if (this.#isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  #isIdle(): boolean {
    return this.#readyKeys.length === 0 && this.#processingKeys.size === 0;
  }

  #dispatch(): void {
    const worker = this.#worker;
    if (!worker) return;
    while (!this.#shuttingDown && this.#processingKeys.size < this.#options.concurrency) {
      const key = this.#readyKeys.shift();
      if (key === undefined) break;
      this.#queuedKeys.delete(key);
      this.#process(worker, key);
    }
    if (this.#isIdle()) this.#notifyIdle();
  }

  #process(worker: KeyWorker, key: string): void {
    this.#processingKeys.add(key);
    // The outcome of this run decides the key's next turn, so an older pending one is dropped.
    const pending = this.#delayedAdds.get(key);
    if (pending) {
      clearTimeout(pending.timer);
      this.#delayedAdds.delete(key);
    }
    const run = this.#runWorker(worker, key).then((outcome) => this.#finish(key, outcome));
    this.#inFlight.add(run);
    void run.finally(() => this.#inFlight.delete(run));
  }

  async #runWorker(worker: KeyWorker, key: string): Promise<WorkOutcome> {
    try {
      return await worker(key);
    } catch {
      // The worker is meant to catch its own errors; an escaped one still must not lose the key.
      return { kind: 'retry' };
    }
  }

  #finish(key: string, outcome: WorkOutcome): void {
    this.#processingKeys.delete(key);
    if (!this.#shuttingDown) {
      switch (outcome.kind) {
        case 'done':
          this.forget(key);
          if (outcome.requeueAfterMs !== undefined && outcome.requeueAfterMs > 0) {
            this.addAfter(key, this.#jitter(outcome.requeueAfterMs));
          }
          break;
        case 'retry':
          this.addWithBackoff(key);
          break;
        case 'drop':
          this.forget(key);
          break;
      }
      if (this.#dirtyKeys.delete(key)) this.add(key);
    }
    this.#dispatch();
  }

  #jitter(delayMs: number): number {
    const spread = delayMs * this.#options.jitterRatio;
    return Math.max(1, Math.round(delayMs - spread + 2 * spread * this.#options.random()));
  }

  #notifyIdle(): void {
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
