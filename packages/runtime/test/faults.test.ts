// Faults on a private control plane: the API server goes away and comes back; reconcilers throw and reject.
import { CoreV1Api, type V1ConfigMap } from '@kubernetes/client-node';
import { startControlPlane, type ControlPlane } from '@fluxion/testenv';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createClient,
  createLogger,
  ExponentialBackoff,
  Manager,
  objectKey,
  Reflector,
  type KubeClient,
} from '../src/index.ts';
import { killAll, spawnControllerProcess, type ControllerProcess } from './fixtures/spawn-controller-process.ts';
import { eventually } from '@fluxion/testenv';
import { proxyApiServer, type TcpProxy } from './support/tcp-proxy.ts';

const configMaps = { group: '', version: 'v1', kind: 'ConfigMap' };
const namespace = 'faults';

let cp: ControlPlane;
let direct: KubeClient;

beforeAll(async () => {
  cp = await startControlPlane();
  direct = createClient({ kubeConfig: cp.kubeConfig(), qps: 200, burst: 400 });
  await direct.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
});
afterAll(async () => {
  await cp?.stop();
});

function configMap(name: string, value: string): V1ConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace, labels: { fault: 'yes' } },
    data: { value },
  };
}

describe('API server unreachable', () => {
  let proxy: TcpProxy;
  let manager: Manager;

  afterAll(async () => {
    await manager?.stop();
    await proxy?.close();
  });

  it('keeps the controller running with /readyz failing, then recovers by itself and catches up on what changed', async () => {
    // The controller reaches the API server through a proxy, so the test can keep it cut off for a
    // while after the server is back and change objects in that window.
    const proxied = await proxyApiServer(cp.kubeConfig());
    proxy = proxied.proxy;
    const client = createClient({ kubeConfig: proxied.kubeConfig });
    manager = new Manager({
      name: 'faults',
      logger: createLogger({ level: 'error' }),
      kubeConfig: proxied.kubeConfig,
      metricsAddress: '0',
      healthAddress: '127.0.0.1:0',
    });
    const cache = new Reflector<V1ConfigMap>(client, configMaps, {
      namespace,
      labelSelector: 'fault=yes',
      backoff: new ExponentialBackoff(100, 1_000),
    });
    const reconciled = new Map<string, string>();
    const controller = manager.addController({
      name: 'mirror',
      kind: 'ConfigMap',
      reconcile: async (key) => {
        reconciled.set(key.name, cache.get(namespace, key.name)?.data?.['value'] ?? 'deleted');
      },
    });
    cache.onEvent((event) => controller.enqueue(objectKey(event.object)));
    manager.addRunnable({ name: 'configmap-cache', start: (signal) => cache.start(signal) });
    let stopped = false;
    void manager.done.then(() => (stopped = true));
    const probe = async (path: string): Promise<{ status: number; body: string }> => {
      const response = await fetch(`${manager.healthUrl}${path}`);
      return { status: response.status, body: await response.text() };
    };

    await manager.start();
    await cache.hasSynced();
    await direct.create(configMap('kept', 'before'));
    await direct.create(configMap('doomed', 'before'));
    await eventually(() => expect(Object.fromEntries(reconciled)).toEqual({ kept: 'before', doomed: 'before' }));
    expect((await probe('/readyz')).status).toBe(200);

    await cp.stopApiServer();
    await eventually(async () => {
      const readyz = await probe('/readyz');
      expect(readyz.status).toBe(500);
      expect(readyz.body).toContain('[-]kube-apiserver failed');
    });
    // alive, only out of rotation: a failing liveness probe would get it restarted for nothing
    expect((await probe('/healthz')).status).toBe(200);

    proxy.cut();
    await cp.startApiServer();
    await direct.patch(
      { apiVersion: 'v1', kind: 'ConfigMap', namespace, name: 'kept' },
      { data: { value: 'during' } },
      'merge',
    );
    await direct.delete({ apiVersion: 'v1', kind: 'ConfigMap', namespace, name: 'doomed' });
    await direct.create(configMap('born', 'during'));
    expect((await probe('/readyz')).status).toBe(500);

    proxy.resume();
    await eventually(async () => expect((await probe('/readyz')).status).toBe(200), { timeoutMs: 60_000 });
    await eventually(
      () => expect(Object.fromEntries(reconciled)).toEqual({ kept: 'during', doomed: 'deleted', born: 'during' }),
      { timeoutMs: 60_000 },
    );
    expect(cache.keys().sort()).toEqual([`${namespace}/born`, `${namespace}/kept`]);
    expect(stopped).toBe(false);
  });
});

describe('a reconciler that throws or rejects', () => {
  const processes: ControllerProcess[] = [];
  afterEach(() => killAll(processes));

  it('never kills the process: each failure is retried with a longer backoff, a stray rejection is logged', async () => {
    const child = spawnControllerProcess({
      kubeconfigPath: cp.kubeconfigPath,
      namespace,
      identity: 'flaky',
      leaseName: 'flaky',
      flags: ['--fail-first=3', '--stray-rejection', '--min-retry-delay=100ms', '--requeue-after=1h'],
    });
    processes.push(child);
    const core = cp.kubeConfig().makeApiClient(CoreV1Api);
    const stamp = await eventually(() => core.readNamespacedConfigMap({ name: 'flaky-stamp', namespace }), {
      timeoutMs: 60_000,
    });
    expect(stamp.data?.['holder']).toBe('flaky');

    const errors = child.logLines().filter((line) => line.msg === 'Reconciler error');
    expect(errors.map((line) => (line.err as { message: string }).message)).toEqual([
      'attempt 1 fails by throwing',
      'attempt 2 fails by rejecting',
      'attempt 3 fails by throwing',
    ]);
    // per-key exponential backoff from --min-retry-delay
    expect(errors.map((line) => line.retryInMs)).toEqual([100, 200, 400]);
    const stray = child
      .logLines()
      .find((line) => line.msg === 'Unhandled promise rejection, the process keeps running');
    expect((stray?.err as { message?: string } | undefined)?.message).toBe('stray rejection nobody awaits');
    expect(child.child.exitCode).toBeNull();

    child.child.kill('SIGTERM');
    expect((await child.exited).code).toBe(0);
  });
});
