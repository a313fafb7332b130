// The Manager against the test control plane: leader-gated controllers, graceful SIGTERM, leadership loss.
import { CoordinationV1Api, CoreV1Api, V1MicroTime, type V1Lease } from '@kubernetes/client-node';
import { useTestNamespace, type TestNamespace } from '@fluxion/testenv';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { apiServerReachableCheck, createLogger, Manager, RuntimeMetrics } from '../src/index.ts';
import { killAll, spawnControllerProcess, type ControllerProcess } from './fixtures/spawn-controller-process.ts';
import { eventually } from '@fluxion/testenv';

let env: TestNamespace;
let coordination: CoordinationV1Api;
let core: CoreV1Api;
const processes: ControllerProcess[] = [];

beforeAll(async () => {
  env = await useTestNamespace('manager');
  coordination = env.kubeConfig.makeApiClient(CoordinationV1Api);
  core = env.kubeConfig.makeApiClient(CoreV1Api);
});

afterEach(() => killAll(processes));

function readLease(name: string): Promise<V1Lease> {
  return coordination.readNamespacedLease({ name, namespace: env.namespace });
}

function messagesOf(process: ControllerProcess): string[] {
  return process.logLines().map((line) => String(line.msg));
}

describe('Manager with leader election', () => {
  it('reconciles only once leading, drains before releasing the Lease, and reports leadership in /metrics', async () => {
    const leaseName = 'in-process';
    const metrics = new RuntimeMetrics();
    const manager = new Manager({
      name: 'in-process',
      logger: createLogger({ level: 'error' }),
      kubeConfig: env.kubeConfig,
      metrics,
      metricsAddress: '127.0.0.1:0',
      healthAddress: '127.0.0.1:0',
      leaderElection: {
        enabled: true,
        leaseName,
        leaseNamespace: env.namespace,
        identity: 'in-process-1',
        leaseDurationMs: 10_000,
        renewDeadlineMs: 8_000,
        retryPeriodMs: 500,
      },
    });
    let releaseReconcile!: () => void;
    const reconcileMayFinish = new Promise<void>((resolve) => {
      releaseReconcile = resolve;
    });
    const holderSeenAtEndOfReconcile: string[] = [];
    const controller = manager.addController({
      name: 'lease-watcher',
      kind: 'Widget',
      reconcile: async () => {
        await reconcileMayFinish;
        holderSeenAtEndOfReconcile.push((await readLease(leaseName)).spec?.holderIdentity ?? '');
      },
    });
    controller.enqueue({ namespace: env.namespace, name: 'w' });
    manager.health.addReadinessCheck('api-server', apiServerReachableCheck(env.kubeConfig));
    await manager.start();
    const readyz = await fetch(`${manager.healthUrl}/readyz?verbose`);
    expect(readyz.status).toBe(200);
    expect(await readyz.text()).toContain('[+]api-server ok');

    const lease = await readLease(leaseName);
    expect(lease.spec?.holderIdentity).toBe('in-process-1');
    expect(lease.spec?.leaseDurationSeconds).toBe(10);
    expect(lease.spec?.leaseTransitions).toBe(0);
    expect(lease.spec?.acquireTime).toBeTruthy();
    const scraped = await (await fetch(`${manager.metricsUrl}/metrics`)).text();
    expect(scraped).toContain(`fluxion_leader_election_master_status{lease="${leaseName}"} 1`);
    await eventually(() => expect(controller.queueLength).toBe(0));

    const stopping = manager.stop('signal');
    releaseReconcile();
    await stopping;
    expect(holderSeenAtEndOfReconcile).toEqual(['in-process-1']);
    const released = await readLease(leaseName);
    expect(released.spec?.holderIdentity).toBe('');
    expect(await manager.done).toBe('signal');
  });
});

describe('controller process', () => {
  it('on SIGTERM finishes the reconcile under way, releases the Lease, and exits 0', async () => {
    const leaseName = 'sigterm';
    const child = spawnControllerProcess({
      kubeconfigPath: env.kubeconfigPath,
      namespace: env.namespace,
      identity: 'graceful',
      leaseName,
      flags: ['--reconcile-delay=3s', '--requeue-after=1h'],
    });
    processes.push(child);
    await eventually(() => expect(child.hasLogged('Reconcile started')).toBe(true));
    expect(child.hasLogged('Reconcile finished')).toBe(false);
    child.child.kill('SIGTERM');

    const exit = await child.exited;
    expect(exit.code).toBe(0);
    const messages = messagesOf(child);
    const finishedAt = messages.indexOf('Reconcile finished');
    expect(finishedAt).toBeGreaterThan(messages.indexOf('Received signal, shutting down'));
    expect(messages.indexOf('Released leader lease')).toBeGreaterThan(finishedAt);
    expect(messages.at(-1)).toBe('Stopped');
    const configMap = await core.readNamespacedConfigMap({ name: `${leaseName}-stamp`, namespace: env.namespace });
    expect(configMap.data?.holder).toBe('graceful');
    expect((await readLease(leaseName)).spec?.holderIdentity).toBe('');
  });

  it('steps down and exits 1 when it cannot renew its Lease within the renew deadline', async () => {
    const leaseName = 'stolen';
    const child = spawnControllerProcess({
      kubeconfigPath: env.kubeconfigPath,
      namespace: env.namespace,
      identity: 'victim',
      leaseName,
      flags: [
        '--leader-election-lease-duration=4s',
        '--leader-election-renew-deadline=3s',
        '--leader-election-retry-period=500ms',
      ],
    });
    processes.push(child);
    await eventually(async () => expect((await readLease(leaseName)).spec?.holderIdentity).toBe('victim'));

    // Another party takes the Lease with a long duration; the victim's renewals are refused from now on.
    await eventually(async () => {
      const lease = await readLease(leaseName);
      const now = new V1MicroTime(Date.now());
      await coordination.replaceNamespacedLease({
        name: leaseName,
        namespace: env.namespace,
        body: {
          ...lease,
          spec: {
            ...lease.spec,
            holderIdentity: 'intruder',
            leaseDurationSeconds: 3600,
            renewTime: now,
            acquireTime: now,
          },
        },
      });
    });

    const exit = await child.exited;
    expect(exit.code).toBe(1);
    expect(child.hasLogged('Leader election lost')).toBe(true);
    expect((await readLease(leaseName)).spec?.holderIdentity).toBe('intruder');
  });
});
