// Delivery: one lane per Provider, so a slow or dead provider only ever delays its own messages; each message is
// retried with backoff on timeouts, 429 and 5xx, a bounded number of times, then given up with one report.
import { DeliveryError } from './providers/notifier.ts';

export interface DeliveryJob {
  /** The lane: the Provider's namespace/name. */
  lane: string;
  send: (signal: AbortSignal) => Promise<void>;
  /** Called once, after the last attempt failed. */
  onGiveUp: (error: DeliveryError, attempts: number) => void;
  /** Called when the job leaves the lane, delivered or given up. */
  onSettled?: (delivered: boolean) => void;
}

export interface DeliveryLanesOptions {
  /** Attempts per message, the first included (default 4). */
  maxAttempts?: number;
  /** First retry delay; doubles each time, with jitter (default 1 s). */
  retryBaseMs?: number;
  /** Messages sent at once per lane (default 4). */
  laneConcurrency?: number;
  /** Messages waiting per lane before the oldest are dropped, with onGiveUp (default 10,000). */
  laneCapacity?: number;
}

interface Lane {
  waiting: DeliveryJob[];
  running: number;
}

export class DeliveryLanes {
  readonly #options: Required<DeliveryLanesOptions>;
  readonly #lanes = new Map<string, Lane>();
  readonly #abort = new AbortController();
  #inFlight = 0;
  #idleWaiters: (() => void)[] = [];

  constructor(options: DeliveryLanesOptions = {}) {
    this.#options = { maxAttempts: 4, retryBaseMs: 1000, laneConcurrency: 4, laneCapacity: 10_000, ...options };
  }

  enqueue(job: DeliveryJob): void {
    let lane = this.#lanes.get(job.lane);
    if (!lane) this.#lanes.set(job.lane, (lane = { waiting: [], running: 0 }));
    this.#inFlight += 1;
    lane.waiting.push(job);
    if (lane.waiting.length > this.#options.laneCapacity) {
      const dropped = lane.waiting.shift();
      if (dropped)
        this.#settle(
          dropped,
          false,
          new DeliveryError(`more than ${this.#options.laneCapacity} messages waiting for this provider`, {
            retryable: false,
          }),
          0,
        );
    }
    this.#pump(job.lane, lane);
  }

  /** Messages queued or being sent. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** Resolves when every lane is empty. */
  idle(): Promise<void> {
    if (this.#inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Stops retrying; messages being sent are aborted. */
  close(): void {
    this.#abort.abort();
  }

  #pump(name: string, lane: Lane): void {
    while (lane.running < this.#options.laneConcurrency && lane.waiting.length > 0) {
      const job = lane.waiting.shift()!;
      lane.running += 1;
      void this.#deliver(job).finally(() => {
        lane.running -= 1;
        if (lane.running === 0 && lane.waiting.length === 0) this.#lanes.delete(name);
        else this.#pump(name, lane);
      });
    }
  }

  async #deliver(job: DeliveryJob): Promise<void> {
    let attempt = 0;
    for (;;) {
      attempt += 1;
      try {
        await job.send(this.#abort.signal);
        return this.#settle(job, true);
      } catch (thrown) {
        const error =
          thrown instanceof DeliveryError
            ? thrown
            : new DeliveryError(thrown instanceof Error ? thrown.message : String(thrown), {
                retryable: false,
                cause: thrown,
              });
        if (!error.retryable || attempt >= this.#options.maxAttempts || this.#abort.signal.aborted)
          return this.#settle(job, false, error, attempt);
        const delay = this.#options.retryBaseMs * 2 ** (attempt - 1) * (0.8 + Math.random() * 0.4);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, delay);
          this.#abort.signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
        });
      }
    }
  }

  #settle(job: DeliveryJob, delivered: boolean, error?: DeliveryError, attempts = 0): void {
    if (error) {
      try {
        job.onGiveUp(error, attempts);
      } catch {
        // a failing report must not lose the lane
      }
    }
    job.onSettled?.(delivered);
    this.#inFlight -= 1;
    if (this.#inFlight === 0) {
      const waiters = this.#idleWaiters;
      this.#idleWaiters = [];
      waiters.forEach((wake) => wake());
    }
  }
}
