import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WorkQueue, type WorkOutcome } from './work-queue.ts';

const done: WorkOutcome = { kind: 'done' };

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

function newQueue(overrides: Partial<ConstructorParameters<typeof WorkQueue>[0]> = {}): WorkQueue {
  return new WorkQueue({ concurrency: 1, minRetryDelayMs: 750, maxRetryDelayMs: 15 * 60_000, ...overrides });
}

describe('WorkQueue', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('queues a key at most once', async () => {
    const queue = newQueue();
    const seen: string[] = [];
    queue.add('default/app');
    queue.add('default/app');
    queue.add('default/other');
    queue.add('default/app');
    expect(queue.length).toBe(2);
    queue.start(async (key) => {
      seen.push(key);
      return done;
    });
    await queue.whenIdle();
    expect(seen).toEqual(['default/app', 'default/other']);
  });

  it('never works on one key twice at once, and re-runs a key added while it was being worked on', async () => {
    const queue = newQueue({ concurrency: 4 });
    const gate = deferred<void>();
    let running = 0;
    let maxRunning = 0;
    let runs = 0;
    queue.start(async () => {
      runs++;
      running++;
      maxRunning = Math.max(maxRunning, running);
      if (runs === 1) await gate.promise;
      running--;
      return done;
    });
    queue.add('ns/a');
    await vi.waitFor(() => expect(queue.activeCount).toBe(1));
    queue.add('ns/a');
    queue.add('ns/a');
    await vi.advanceTimersByTimeAsync(10);
    expect(runs).toBe(1);
    gate.resolve();
    await vi.waitFor(() => expect(runs).toBe(2));
    await queue.whenIdle();
    expect(runs).toBe(2);
    expect(maxRunning).toBe(1);
  });

  it('works on at most `concurrency` keys at once and gets through all of them', async () => {
    const queue = newQueue({ concurrency: 2 });
    let running = 0;
    let maxRunning = 0;
    const finished: string[] = [];
    queue.start(async (key) => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running--;
      finished.push(key);
      return done;
    });
    for (const name of ['a', 'b', 'c', 'd', 'e']) queue.add(`ns/${name}`);
    await vi.advanceTimersByTimeAsync(100);
    await queue.whenIdle();
    expect(maxRunning).toBe(2);
    expect(finished.sort()).toEqual(['ns/a', 'ns/b', 'ns/c', 'ns/d', 'ns/e']);
  });

  it('retries a failing key with exponential backoff from 750ms', async () => {
    const queue = newQueue();
    const attemptTimes: number[] = [];
    queue.start(async () => {
      attemptTimes.push(Date.now());
      return { kind: 'retry' };
    });
    queue.add('ns/broken');
    await vi.advanceTimersByTimeAsync(750 + 1500 + 3000 + 6000);
    const gaps = attemptTimes.slice(1).map((time, i) => time - (attemptTimes[i] ?? 0));
    expect(gaps).toEqual([750, 1500, 3000, 6000]);
  });

  it('caps the backoff at the maximum retry delay', async () => {
    const queue = newQueue({ minRetryDelayMs: 1000, maxRetryDelayMs: 4000 });
    const attemptTimes: number[] = [];
    queue.start(async () => {
      attemptTimes.push(Date.now());
      return { kind: 'retry' };
    });
    queue.add('ns/broken');
    await vi.advanceTimersByTimeAsync(1000 + 2000 + 4000 + 4000 + 4000);
    const gaps = attemptTimes.slice(1).map((time, i) => time - (attemptTimes[i] ?? 0));
    expect(gaps).toEqual([1000, 2000, 4000, 4000, 4000]);
    expect(queue.backoffDelayMs(1000)).toBe(4000);
  });

  it('treats a worker that throws as a failure to retry, not a lost key', async () => {
    const queue = newQueue();
    let attempts = 0;
    queue.start(async () => {
      attempts++;
      if (attempts === 1) throw new Error('boom');
      return done;
    });
    queue.add('ns/flaky');
    await vi.advanceTimersByTimeAsync(750);
    expect(attempts).toBe(2);
    expect(queue.failures('ns/flaky')).toBe(0);
  });

  it('resets the backoff after a success', async () => {
    const queue = newQueue();
    const outcomes: WorkOutcome[] = [{ kind: 'retry' }, { kind: 'retry' }, done, { kind: 'retry' }];
    const attemptTimes: number[] = [];
    queue.start(async () => {
      attemptTimes.push(Date.now());
      return outcomes.shift() ?? done;
    });
    queue.add('ns/app');
    await vi.advanceTimersByTimeAsync(750 + 1500);
    expect(attemptTimes).toHaveLength(3);
    expect(queue.failures('ns/app')).toBe(0);
    queue.add('ns/app');
    await vi.advanceTimersByTimeAsync(0);
    expect(attemptTimes).toHaveLength(4);
    expect(queue.failures('ns/app')).toBe(1);
    await vi.advanceTimersByTimeAsync(749);
    expect(attemptTimes).toHaveLength(4);
    await vi.advanceTimersByTimeAsync(1);
    expect(attemptTimes).toHaveLength(5);
  });

  it('does not retry a dropped key', async () => {
    const queue = newQueue();
    let attempts = 0;
    queue.start(async () => {
      attempts++;
      return { kind: 'drop' };
    });
    queue.add('ns/invalid');
    await vi.advanceTimersByTimeAsync(60 * 60_000);
    expect(attempts).toBe(1);
    expect(queue.delayedKeys()).toEqual([]);
  });

  it('honours requeueAfter, spread by the jitter', async () => {
    for (const [random, expectedDelay] of [
      [0, 9_500],
      [0.5, 10_000],
      [1, 10_500],
    ] as const) {
      const queue = newQueue({ random: () => random });
      const attemptTimes: number[] = [];
      queue.start(async () => {
        attemptTimes.push(Date.now());
        return { kind: 'done', requeueAfterMs: 10_000 };
      });
      queue.add('ns/app');
      await vi.advanceTimersByTimeAsync(0);
      await vi.advanceTimersByTimeAsync(expectedDelay - 1);
      expect(attemptTimes).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(1);
      expect(attemptTimes).toHaveLength(2);
      await queue.shutDown();
    }
  });

  it('replaces a pending requeue when the key is worked on earlier because of an event', async () => {
    const queue = newQueue({ jitterRatio: 0 });
    const attemptTimes: number[] = [];
    queue.start(async () => {
      attemptTimes.push(Date.now());
      return { kind: 'done', requeueAfterMs: 10_000 };
    });
    queue.add('ns/app');
    await vi.advanceTimersByTimeAsync(4_000);
    queue.add('ns/app');
    await vi.advanceTimersByTimeAsync(0);
    expect(attemptTimes).toHaveLength(2);
    // The old requeue (due at 10s) is gone; the next comes 10s after the second run.
    await vi.advanceTimersByTimeAsync(9_999);
    expect(attemptTimes).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(attemptTimes).toHaveLength(3);
  });

  it('keeps the earliest of two delayed adds', async () => {
    const queue = newQueue();
    const attemptTimes: number[] = [];
    const started = Date.now();
    queue.start(async () => {
      attemptTimes.push(Date.now() - started);
      return done;
    });
    queue.addAfter('ns/app', 5_000);
    queue.addAfter('ns/app', 2_000);
    queue.addAfter('ns/app', 8_000);
    await vi.advanceTimersByTimeAsync(20_000);
    expect(attemptTimes).toEqual([2_000]);
  });

  it('on shut down lets in-flight keys finish and starts no new ones', async () => {
    const queue = newQueue();
    const gate = deferred<void>();
    const started: string[] = [];
    let finished = 0;
    queue.start(async (key) => {
      started.push(key);
      await gate.promise;
      finished++;
      return { kind: 'retry' };
    });
    queue.add('ns/a');
    queue.add('ns/b');
    await vi.waitFor(() => expect(started).toEqual(['ns/a']));
    const drained = queue.shutDown();
    queue.add('ns/c');
    gate.resolve();
    expect(await drained).toBe(true);
    expect(finished).toBe(1);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(started).toEqual(['ns/a']);
    expect(queue.delayedKeys()).toEqual([]);
  });

  it('reports a shut down whose grace period ran out', async () => {
    const queue = newQueue();
    queue.start(() => new Promise<WorkOutcome>(() => {}));
    queue.add('ns/stuck');
    await vi.waitFor(() => expect(queue.activeCount).toBe(1));
    const drained = queue.shutDown(30_000);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(await drained).toBe(false);
  });

  it('rejects a concurrency below one and inverted retry delays', () => {
    expect(() => newQueue({ concurrency: 0 })).toThrow(/concurrency/);
    expect(() => newQueue({ minRetryDelayMs: 5_000, maxRetryDelayMs: 1_000 })).toThrow(/retry delays/);
  });
});
