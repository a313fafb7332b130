import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  Controller,
  objectKeyToString,
  parseObjectKey,
  TerminalError,
  type ObjectKey,
  type Reconciler,
} from './controller.ts';
import { createLogger } from './logger.ts';
import { RuntimeMetrics } from './metrics.ts';
import { currentReconcile, type ReconcileContext } from './reconcile-context.ts';

function setup(reconcile: Reconciler, options: { concurrency?: number } = {}) {
  const lines: string[] = [];
  const logger = createLogger({ level: 'debug', destination: { write: (line: string) => lines.push(line) } });
  const metrics = new RuntimeMetrics();
  const controller = new Controller({
    name: 'widget',
    kind: 'Widget',
    reconcile,
    logger,
    metrics,
    jitterRatio: 0,
    ...options,
  });
  const entries = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  return { controller, metrics, entries };
}

describe('Controller', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('reconciles enqueued keys, with a child logger naming the object', async () => {
    const seen: ObjectKey[] = [];
    const { controller, entries } = setup(async (key, log) => {
      seen.push(key);
      log.info('reconciling');
    });
    controller.enqueue({ namespace: 'apps', name: 'podinfo' });
    controller.enqueue('cluster-wide');
    controller.start();
    await controller.whenIdle();
    expect(seen).toEqual([{ namespace: 'apps', name: 'podinfo' }, { name: 'cluster-wide' }]);
    const reconcileLines = entries().filter((entry) => entry.msg === 'reconciling');
    expect(reconcileLines[0]).toMatchObject({
      controller: 'widget',
      kind: 'Widget',
      namespace: 'apps',
      name: 'podinfo',
    });
    expect(reconcileLines[0]?.reconcileID).toMatch(/^[0-9a-f-]{36}$/);
    expect(reconcileLines[1]).toMatchObject({ name: 'cluster-wide' });
    expect(reconcileLines[1]).not.toHaveProperty('namespace');
  });

  it('survives a reconciler that throws, logs the error and retries with backoff until it succeeds', async () => {
    let attempts = 0;
    const { controller, entries, metrics } = setup(async () => {
      attempts++;
      if (attempts < 3) throw new Error(`git.example.com: connection refused (attempt ${attempts})`);
    });
    controller.start();
    controller.enqueue({ namespace: 'apps', name: 'flaky' });
    await vi.advanceTimersByTimeAsync(0);
    expect(attempts).toBe(1);
    await vi.advanceTimersByTimeAsync(750);
    expect(attempts).toBe(2);
    await vi.advanceTimersByTimeAsync(1500);
    expect(attempts).toBe(3);
    await vi.advanceTimersByTimeAsync(60 * 60_000);
    expect(attempts).toBe(3);
    const errors = entries().filter((entry) => entry.msg === 'Reconciler error');
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatchObject({ level: 'error', name: 'flaky', retryInMs: 750 });
    expect((errors[0]?.err as { message: string } | undefined)?.message).toContain('connection refused (attempt 1)');
    const metricsText = await metrics.render();
    expect(metricsText).toContain('fluxion_reconcile_total{controller="widget",result="error"} 2');
    expect(metricsText).toContain('fluxion_reconcile_total{controller="widget",result="success"} 1');
  });

  it('survives a reconciler that throws synchronously', async () => {
    let attempts = 0;
    const reconcile = (() => {
      attempts++;
      throw new Error('sync boom');
    }) as unknown as Reconciler;
    const { controller } = setup(reconcile);
    controller.start();
    controller.enqueue('x');
    await vi.advanceTimersByTimeAsync(750);
    expect(attempts).toBe(2);
  });

  it('logs a TerminalError and does not retry it', async () => {
    let attempts = 0;
    const { controller, entries, metrics } = setup(async () => {
      attempts++;
      throw new TerminalError('spec.url "ftp://x" is not supported', { reason: 'InvalidURL' });
    });
    controller.start();
    controller.enqueue({ namespace: 'apps', name: 'bad' });
    await vi.advanceTimersByTimeAsync(60 * 60_000);
    expect(attempts).toBe(1);
    expect(entries().find((entry) => entry.msg === 'Reconciler error is terminal, not retrying')).toMatchObject({
      reason: 'InvalidURL',
    });
    expect(await metrics.render()).toContain('fluxion_reconcile_total{controller="widget",result="terminal_error"} 1');
    controller.enqueue({ namespace: 'apps', name: 'bad' });
    await vi.advanceTimersByTimeAsync(0);
    expect(attempts).toBe(2);
  });

  it('reconciles again after requeueAfter', async () => {
    const times: number[] = [];
    const { controller, metrics } = setup(async () => {
      times.push(Date.now());
      return { requeueAfter: 60_000 };
    });
    controller.start();
    controller.enqueue('apps/interval');
    await vi.advanceTimersByTimeAsync(0);
    await vi.advanceTimersByTimeAsync(59_999);
    expect(times).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(times).toHaveLength(2);
    expect(await metrics.render()).toMatch(
      /fluxion_reconcile_duration_seconds_count\{kind="Widget",namespace="apps",name="interval"\} 2/,
    );
  });

  it('reconciles different objects in parallel up to --concurrent', async () => {
    let running = 0;
    let maxRunning = 0;
    const { controller } = setup(
      async () => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        await new Promise((resolve) => setTimeout(resolve, 10));
        running--;
      },
      { concurrency: 3 },
    );
    controller.start();
    for (let i = 0; i < 10; i++) controller.enqueue(`apps/o${i}`);
    await vi.advanceTimersByTimeAsync(100);
    await controller.whenIdle();
    expect(maxRunning).toBe(3);
  });

  it('lets what a reconcile awaits find its controller and metrics, and nothing outside a reconcile', async () => {
    const seen: Array<ReconcileContext | undefined> = [];
    const { controller, metrics } = setup(async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      seen.push(currentReconcile());
    });
    controller.start();
    controller.enqueue('apps/a');
    await vi.advanceTimersByTimeAsync(5);
    await controller.whenIdle();
    expect(seen).toEqual([{ controller: 'widget', kind: 'Widget', metrics }]);
    expect(seen[0]?.metrics).toBe(metrics);
    expect(currentReconcile()).toBeUndefined();
  });

  it('stop lets the running reconcile finish', async () => {
    let finished = false;
    const { controller } = setup(async () => {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      finished = true;
    });
    controller.start();
    controller.enqueue('apps/slow');
    await vi.advanceTimersByTimeAsync(0);
    const stopped = controller.stop(30_000);
    await vi.advanceTimersByTimeAsync(1000);
    expect(await stopped).toBe(true);
    expect(finished).toBe(true);
  });
});

describe('object keys', () => {
  it('round-trip between text and key', () => {
    expect(objectKeyToString({ namespace: 'a', name: 'b' })).toBe('a/b');
    expect(objectKeyToString({ name: 'b' })).toBe('b');
    expect(parseObjectKey('a/b')).toEqual({ namespace: 'a', name: 'b' });
    expect(parseObjectKey('b')).toEqual({ name: 'b' });
  });
});
