import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from './logger.ts';
import { Manager } from './manager.ts';
import { RuntimeMetrics } from './metrics.ts';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

const managers: Manager[] = [];
afterEach(async () => {
  await Promise.all(managers.splice(0).map((manager) => manager.stop()));
});

function newManager(lines: string[] = []): Manager {
  const manager = new Manager({
    name: 'test-controller',
    logger: createLogger({ destination: { write: (line: string) => lines.push(line) } }),
    metrics: new RuntimeMetrics(),
    metricsAddress: '127.0.0.1:0',
    healthAddress: '127.0.0.1:0',
    gracefulShutdownMs: 10_000,
  });
  managers.push(manager);
  return manager;
}

describe('Manager without leader election', () => {
  it('serves /readyz and /metrics and runs its controllers at once', async () => {
    const manager = newManager();
    const reconciled: string[] = [];
    const controller = manager.addController({
      name: 'widget',
      kind: 'Widget',
      reconcile: async (key) => {
        reconciled.push(key.name);
      },
    });
    controller.enqueue({ namespace: 'apps', name: 'w1' });
    await manager.start();
    await vi.waitFor(() => expect(reconciled).toEqual(['w1']));
    expect(manager.isLeader).toBe(true);
    const ready = await fetch(`${manager.healthUrl}/readyz`);
    expect(ready.status).toBe(200);
    const metrics = await (await fetch(`${manager.metricsUrl}/metrics`)).text();
    expect(metrics).toContain('fluxion_reconcile_total{controller="widget",result="success"} 1');
    expect(metrics).toContain('fluxion_workqueue_active_workers{controller="widget"} 0');
    expect(metrics).toContain('fluxion_workqueue_depth{controller="widget"} 0');
  });

  it('reports not ready once stopping', async () => {
    const manager = newManager();
    manager.health.addReadinessCheck('api-server', () => {
      throw new Error('connection refused');
    });
    await manager.start();
    const response = await fetch(`${manager.healthUrl}/readyz`);
    expect(response.status).toBe(500);
    expect(await response.text()).toContain('[-]api-server failed: connection refused');
  });

  it('on stop lets the running reconcile finish, starts no new one, and stops runnables', async () => {
    const lines: string[] = [];
    const manager = newManager(lines);
    const gate = deferred();
    const started: string[] = [];
    const finished: string[] = [];
    const controller = manager.addController({
      name: 'widget',
      kind: 'Widget',
      concurrency: 1,
      reconcile: async (key) => {
        started.push(key.name);
        await gate.promise;
        finished.push(key.name);
      },
    });
    let runnableStopped = false;
    manager.addRunnable({
      name: 'watch',
      start: (signal) =>
        new Promise<void>((resolve) =>
          signal.addEventListener('abort', () => {
            runnableStopped = true;
            resolve();
          }),
        ),
    });
    await manager.start();
    controller.enqueue('apps/slow');
    controller.enqueue('apps/queued');
    await vi.waitFor(() => expect(started).toEqual(['slow']));
    const stopping = manager.stop();
    let stopResolved = false;
    void stopping.then(() => {
      stopResolved = true;
    });
    await vi.waitFor(() => expect(runnableStopped).toBe(true));
    expect(stopResolved).toBe(false);
    gate.resolve();
    await stopping;
    expect(finished).toEqual(['slow']);
    expect(started).toEqual(['slow']);
    expect(await manager.done).toBe('requested');
    await expect(fetch(`${manager.healthUrl}/healthz`)).rejects.toThrow();
    expect(lines.some((line) => line.includes('"msg":"Stopped"'))).toBe(true);
  });
});
