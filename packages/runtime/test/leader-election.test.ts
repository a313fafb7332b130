// Two real controller processes compete for one Lease on the test control plane.
import { CoordinationV1Api, CoreV1Api, type V1Lease } from '@kubernetes/client-node';
import { useTestNamespace, type TestNamespace } from '@fluxion/testenv';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { killAll, spawnControllerProcess, type ControllerProcess } from './fixtures/spawn-controller-process.ts';
import { eventually } from '@fluxion/testenv';

let env: TestNamespace;
let coordination: CoordinationV1Api;
let core: CoreV1Api;
const processes: ControllerProcess[] = [];

beforeAll(async () => {
  env = await useTestNamespace('leader');
  coordination = env.kubeConfig.makeApiClient(CoordinationV1Api);
  core = env.kubeConfig.makeApiClient(CoreV1Api);
});

afterEach(() => killAll(processes));

function startControllerProcess(identity: string, leaseName: string, flags: string[]): ControllerProcess {
  const started = spawnControllerProcess({
    kubeconfigPath: env.kubeconfigPath,
    namespace: env.namespace,
    identity,
    leaseName,
    flags,
  });
  processes.push(started);
  return started;
}

async function readLease(name: string): Promise<V1Lease> {
  return coordination.readNamespacedLease({ name, namespace: env.namespace });
}

async function stampHolder(leaseName: string): Promise<string | undefined> {
  const configMap = await core.readNamespacedConfigMap({ name: `${leaseName}-stamp`, namespace: env.namespace });
  return configMap.data?.holder;
}

describe('leader election across processes', () => {
  it('a second process waits while the first leads, and takes over within the lease duration after kill -9', async () => {
    const leaseName = 'kill-test';
    // Short enough for a quick takeover, with room for a busy CI machine to renew in time.
    const shortLease = [
      '--leader-election-lease-duration=6s',
      '--leader-election-renew-deadline=4s',
      '--leader-election-retry-period=500ms',
    ];
    const first = startControllerProcess('first', leaseName, shortLease);
    await eventually(async () => expect((await readLease(leaseName)).spec?.holderIdentity).toBe('first'));
    await eventually(async () => expect(await stampHolder(leaseName)).toBe('first'));

    const second = startControllerProcess('second', leaseName, shortLease);
    // The second has tried and been refused at least once, and nothing changed hands.
    await eventually(() => expect(second.hasLogged('Leader lease is held by another process, waiting')).toBe(true));
    await eventually(async () => {
      const lease = await readLease(leaseName);
      expect(lease.spec?.holderIdentity).toBe('first');
      expect(new Date(String(lease.spec?.renewTime)).getTime()).toBeGreaterThan(Date.now() - 6_000);
    });
    expect(second.hasLogged('Successfully acquired lease')).toBe(false);
    expect(second.logLines().some((line) => line.msg === 'Reconcile started')).toBe(false);
    const before = await readLease(leaseName);
    expect(before.spec?.leaseTransitions).toBe(0);

    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');

    await eventually(async () => expect((await readLease(leaseName)).spec?.holderIdentity).toBe('second'), {
      timeoutMs: 30_000,
    });
    const after = await readLease(leaseName);
    expect(after.spec?.leaseTransitions).toBe(1);
    expect(after.spec?.leaseDurationSeconds).toBe(6);
    expect(new Date(String(after.spec?.acquireTime)).getTime()).toBeGreaterThan(
      new Date(String(before.spec?.acquireTime)).getTime(),
    );
    await eventually(async () => expect(await stampHolder(leaseName)).toBe('second'));
    expect(second.hasLogged('Reconcile finished')).toBe(true);
  });

  it('SIGTERM releases the lease so a waiting process takes over at once, not after the lease duration', async () => {
    const leaseName = 'release-test';
    // A lease far longer than the wait below: only a released lease can change hands in time.
    const longLease = [
      '--leader-election-lease-duration=5m',
      '--leader-election-renew-deadline=4m',
      '--leader-election-retry-period=500ms',
    ];
    const first = startControllerProcess('first', leaseName, longLease);
    await eventually(async () => expect((await readLease(leaseName)).spec?.holderIdentity).toBe('first'));
    const second = startControllerProcess('second', leaseName, longLease);
    await eventually(() => expect(second.hasLogged('Leader lease is held by another process, waiting')).toBe(true));

    first.child.kill('SIGTERM');
    const exit = await first.exited;
    expect(exit.code).toBe(0);
    expect(first.hasLogged('Released leader lease')).toBe(true);

    await eventually(async () => expect((await readLease(leaseName)).spec?.holderIdentity).toBe('second'), {
      timeoutMs: 20_000,
    });
    expect((await readLease(leaseName)).spec?.leaseTransitions).toBe(1);
    await eventually(async () => expect(await stampHolder(leaseName)).toBe('second'));
  });
});
