// The Kustomization controller against the real control plane: apply, prune, drift, failures that apply nothing, dependencies.
import type { CoreV1Event, V1ConfigMap, V1Deployment } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { teardownGraceMs } from '../src/finalize.ts';
import {
  configMapYaml,
  deploymentYaml,
  eventually,
  readyOf,
  startKustomizeEnv,
  type KustomizeEnv,
} from './support/kustomize-env.ts';

let k: KustomizeEnv;
beforeAll(async () => {
  k = await startKustomizeEnv('ks');
});
afterAll(async () => {
  await k?.stop();
});

const configMap = (name: string) => k.get<V1ConfigMap>('v1', 'ConfigMap', name);
const deployment = (name: string) => k.get<V1Deployment>('apps/v1', 'Deployment', name);

async function readyAt(name: string, revision: string) {
  return eventually(`${name} Ready at ${revision}`, async () => {
    const kustomization = await k.getKustomization(name);
    return readyOf(kustomization)?.status === 'True' && kustomization?.status?.lastAppliedRevision === revision
      ? kustomization
      : undefined;
  });
}

/** The ReconciliationSucceeded Events of a Kustomization, with their counts. */
async function successEvents(name: string) {
  const { items } = await k.client.list<CoreV1Event>(
    { group: '', version: 'v1', kind: 'Event' },
    { namespace: k.ns, fieldSelector: `involvedObject.name=${name}` },
  );
  return items
    .filter((event) => event.reason === 'ReconciliationSucceeded')
    .map((event) => `${event.message} x${event.count ?? 1}`)
    .sort();
}

async function failedWith(name: string, reason: string) {
  return eventually(`${name} Ready=False ${reason}`, async () => {
    const kustomization = await k.getKustomization(name);
    const ready = readyOf(kustomization);
    return ready?.status === 'False' && ready.reason === reason ? kustomization : undefined;
  });
}

describe('apply, inventory, status and prune', () => {
  it('applies the manifests, labels them, records the inventory and reports the revision', async () => {
    const revision = await k.publish('app', {
      'deploy/web.yaml': deploymentYaml('web', { replicas: 1 }),
      'deploy/settings.yaml': configMapYaml('settings', { color: 'blue' }),
    });
    await k.applyKustomization('app', { path: './deploy', targetNamespace: k.ns });
    const kustomization = await readyAt('app', revision);

    expect(readyOf(kustomization)).toMatchObject({
      reason: 'ReconciliationSucceeded',
      message: `Applied revision: ${revision}`,
    });
    expect(kustomization.status?.lastAttemptedRevision).toBe(revision);
    expect(kustomization.status?.inventory?.entries).toEqual([
      { id: `${k.ns}_settings__ConfigMap`, v: 'v1' },
      { id: `${k.ns}_web_apps_Deployment`, v: 'v1' },
    ]);
    expect(kustomization.metadata?.finalizers).toContain('finalizers.fluxcd.io');
    expect(kustomization.status?.history?.[0]).toMatchObject({
      lastReconciledStatus: 'ReconciliationSucceeded',
      metadata: { revision },
    });
    const live = await configMap('settings');
    expect(live?.data).toEqual({ color: 'blue' });
    expect(live?.metadata?.labels).toMatchObject({
      'kustomize.toolkit.fluxcd.io/name': 'app',
      'kustomize.toolkit.fluxcd.io/namespace': k.ns,
    });
    expect(live?.metadata?.managedFields?.map((entry) => entry.manager)).toContain('kustomize-controller');

    const events = await eventually('an Event with the change set', async () => {
      const list = await k.client.list<CoreV1Event>(
        { group: '', version: 'v1', kind: 'Event' },
        { namespace: k.ns, fieldSelector: 'involvedObject.name=app' },
      );
      return list.items.find(
        (event) =>
          event.reason === 'ReconciliationSucceeded' && event.message?.includes(`Deployment/${k.ns}/web created`),
      );
    });
    expect(events.metadata?.annotations?.['kustomize.toolkit.fluxcd.io/revision']).toBe(revision);
  });

  it('an unchanged reconcile writes nothing and records no Event', async () => {
    // the deployment controller keeps writing the Deployment's status: what we would write shows in generation and our managedFields entry
    const written = async () => {
      const web = await deployment('web');
      return [
        (await configMap('settings'))?.metadata?.resourceVersion,
        web?.metadata?.generation,
        web?.metadata?.managedFields?.find((entry) => entry.manager === 'kustomize-controller')?.time,
      ];
    };
    const before = await written();
    const eventsBefore = await successEvents('app');
    await k.requestReconcile('app');
    await eventually('the request handled', async () => {
      const current = await k.getKustomization('app');
      return current?.status?.lastHandledReconcileAt &&
        current.status.lastHandledReconcileAt === current.metadata?.annotations?.['reconcile.fluxcd.io/requestedAt']
        ? current
        : undefined;
    });
    expect(await written()).toEqual(before);
    expect(await successEvents('app')).toEqual(eventsBefore);
  });

  it('prunes what left the source, but not objects annotated prune: disabled', async () => {
    const keep = await k.publish('app', {
      'deploy/web.yaml': deploymentYaml('web', { replicas: 1 }),
      'deploy/settings.yaml': configMapYaml('settings', { color: 'blue' }),
      'deploy/kept.yaml': configMapYaml('kept', { a: '1' }, { 'kustomize.toolkit.fluxcd.io/prune': 'disabled' }),
    });
    await readyAt('app', keep);
    expect(await configMap('kept')).toBeDefined();
    const revision = await k.publish('app', { 'deploy/web.yaml': deploymentYaml('web', { replicas: 1 }) });
    const kustomization = await readyAt('app', revision);
    expect(kustomization.status?.inventory?.entries.map((entry) => entry.id)).toEqual([`${k.ns}_web_apps_Deployment`]);
    expect(await configMap('settings')).toBeUndefined();
    expect(await configMap('kept')).toBeDefined();
  });
});

describe('drift', () => {
  it('reverts a kubectl scale and leaves replicas an HPA owns alone', async () => {
    const revision = await k.publish('drift', {
      'fixed.yaml': deploymentYaml('fixed', { replicas: 2 }),
      'scaled.yaml': deploymentYaml('scaled'),
    });
    await k.applyKustomization('drift', { targetNamespace: k.ns });
    await readyAt('drift', revision);
    const scale = (name: string, replicas: number, fieldManager: string) =>
      k.client.patch(
        { apiVersion: 'apps/v1', kind: 'Deployment', namespace: k.ns, name },
        { spec: { replicas } },
        'merge',
        { fieldManager, subresource: 'scale' },
      );
    await scale('fixed', 5, 'kubectl-scale');
    await scale('scaled', 4, 'horizontal-pod-autoscaler');
    expect((await deployment('fixed'))?.spec?.replicas).toBe(5);

    await k.requestReconcile('drift');
    await eventually('the scale reverted', async () => (await deployment('fixed'))?.spec?.replicas === 2);
    expect((await deployment('scaled'))?.spec?.replicas).toBe(4);
  });
});

describe('failures that apply nothing', () => {
  it('broken YAML: BuildFailed naming the file and line; nothing applied or pruned, the last good revision stays', async () => {
    const good = await k.publish('broken', {
      'a.yaml': configMapYaml('broken-a', { v: '1' }),
      'b.yaml': configMapYaml('broken-b', { v: '1' }),
    });
    await k.applyKustomization('broken', { targetNamespace: k.ns });
    await readyAt('broken', good);
    const bad = await k.publish('broken', {
      'a.yaml': configMapYaml('broken-a', { v: '2' }),
      'c.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  k: [unclosed\n',
    });
    const failed = await failedWith('broken', 'BuildFailed');
    expect(readyOf(failed)?.message).toMatch(/c\.yaml.*line \d+/);
    expect(failed.status?.lastAppliedRevision).toBe(good);
    expect(failed.status?.lastAttemptedRevision).toBe(bad);
    expect(failed.status?.inventory?.entries).toHaveLength(2);
    expect((await configMap('broken-a'))?.data).toEqual({ v: '1' });
    expect(await configMap('broken-b')).toBeDefined();
  });

  it('an object the API server rejects is named with its message and nothing of the set is written', async () => {
    const revision = await k.publish('rejected', {
      'cm.yaml': configMapYaml('rejected-cm', { v: '1' }),
      'bad.yaml': deploymentYaml('rejected-deploy', { containerName: 'Not_A_DNS_Label' }),
    });
    await k.applyKustomization('rejected', { targetNamespace: k.ns });
    const failed = await failedWith('rejected', 'ReconciliationFailed');
    expect(readyOf(failed)?.message).toContain(`Deployment/${k.ns}/rejected-deploy dry-run failed`);
    expect(readyOf(failed)?.message).toMatch(/Invalid value: "Not_A_DNS_Label"/);
    expect(failed.status?.lastAttemptedRevision).toBe(revision);
    expect(await configMap('rejected-cm')).toBeUndefined();
  });

  it('a missing substitution variable names the variable and the object', async () => {
    await k.publish('subst', {
      'cm.yaml': configMapYaml('subst', { region: '${REGION}', zone: '${ZONE:=a}', name: '${APP}' }),
    });
    await k.applyKustomization('subst', { targetNamespace: k.ns, postBuild: { substitute: { APP: 'shop' } } });
    const failed = await failedWith('subst', 'BuildFailed');
    expect(readyOf(failed)?.message).toBe(
      `variable substitution failed for ConfigMap/${k.ns}/subst: variable not set (strict mode): "REGION"`,
    );
    expect(await configMap('subst')).toBeUndefined();

    await k.client.apply(
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'vars', namespace: k.ns }, data: { REGION: 'eu' } },
      { fieldManager: 'test' },
    );
    await k.applyKustomization('subst', {
      targetNamespace: k.ns,
      postBuild: { substitute: { APP: 'shop' }, substituteFrom: [{ kind: 'ConfigMap', name: 'vars' }] },
    });
    await eventually('substituted', async () => (await configMap('subst'))?.data?.['region'] === 'eu');
    expect((await configMap('subst'))?.data).toEqual({ region: 'eu', zone: 'a', name: 'shop' });
  });

  it('an artifact whose digest does not match is refused naming both digests', async () => {
    const wrong = `sha256:${'f'.repeat(64)}`;
    await k.publish('digest', { 'cm.yaml': configMapYaml('digest-cm', { v: '1' }) }, { digest: wrong });
    await k.applyKustomization('digest', { targetNamespace: k.ns });
    const failed = await failedWith('digest', 'ArtifactFailed');
    expect(readyOf(failed)?.message).toMatch(
      new RegExp(`computed digest sha256:[0-9a-f]{64} does not match the source's digest ${wrong}`),
    );
    expect(await configMap('digest-cm')).toBeUndefined();
  });

  it('a missing source is named', async () => {
    await k.applyKustomization('orphan', { targetNamespace: k.ns, source: 'does-not-exist' });
    const failed = await failedWith('orphan', 'ArtifactFailed');
    expect(readyOf(failed)?.message).toBe(`Source 'GitRepository/${k.ns}/does-not-exist' not found`);
  });

  it('a dependsOn readyExpr that does not compile is Stalled naming it, and nothing is applied', async () => {
    await k.publish('cel', { 'cm.yaml': configMapYaml('cel-cm', { v: '1' }) });
    await k.applyKustomization('cel', {
      targetNamespace: k.ns,
      dependsOn: [{ name: 'app', readyExpr: 'dep.status.((' }],
    });
    const failed = await failedWith('cel', 'InvalidCELExpression');
    expect(readyOf(failed)?.message).toMatch(
      /^spec\.dependsOn\[0\]\.readyExpr: failed to parse CEL expression 'dep\.status\.\(\(': /,
    );
    expect(failed.status?.conditions?.find((condition) => condition.type === 'Stalled')?.status).toBe('True');
    expect(await configMap('cel-cm')).toBeUndefined();
  });
});

describe('health', () => {
  it('a new revision cancels a health wait on the old one instead of waiting out the timeout', async () => {
    const stuck = await k.publish('health', {
      'web.yaml': deploymentYaml('health-web', { replicas: 1, nodeSelector: { 'no-such-node': 'true' } }),
    });
    await k.applyKustomization('health', { targetNamespace: k.ns, wait: true, timeout: '10m' });
    await eventually('the health wait to start', async () => {
      const kustomization = await k.getKustomization('health');
      return k.handle.waits.has(`${k.ns}/health`) && kustomization?.status?.lastAttemptedRevision === stuck;
    });
    const fixed = await k.publish('health', { 'web.yaml': deploymentYaml('health-web', { replicas: 1 }) });
    const kustomization = await readyAt('health', fixed);
    expect(kustomization.status?.conditions?.find((condition) => condition.type === 'Healthy')).toMatchObject({
      status: 'True',
      reason: 'Succeeded',
    });
  });
});

describe('dependsOn', () => {
  it('waits for its dependency to be Ready at its source revision, then applies', async () => {
    await k.createSource('infra');
    await k.applyKustomization('infra', { targetNamespace: k.ns });
    const appsRevision = await k.publish('apps', { 'cm.yaml': configMapYaml('apps-cm', { v: '1' }) });
    await k.applyKustomization('apps', { targetNamespace: k.ns, dependsOn: [{ name: 'infra' }] });
    const waiting = await failedWith('apps', 'DependencyNotReady');
    expect(readyOf(waiting)?.message).toBe(`dependency '${k.ns}/infra' is not ready`);
    expect(await configMap('apps-cm')).toBeUndefined();

    const infraRevision = await k.publish('infra', { 'cm.yaml': configMapYaml('infra-cm', { v: '1' }) });
    const infra = await readyAt('infra', infraRevision);
    const apps = await readyAt('apps', appsRevision);
    const readySince = (kustomization: typeof apps) =>
      Date.parse(
        readyOf(kustomization)
          ? (kustomization.status?.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime ?? '')
          : '',
      );
    expect(readySince(apps)).toBeGreaterThanOrEqual(readySince(infra));
  });

  it('deleting both tears down in reverse order: past the grace period the dependency still waits for its dependents objects', async () => {
    // objects of its own, so the test runs alone and in any order
    const infraRevision = await k.publish('down-infra', { 'cm.yaml': configMapYaml('down-infra-cm', { v: '1' }) });
    const appsRevision = await k.publish('down-apps', { 'cm.yaml': configMapYaml('down-apps-cm', { v: '1' }) });
    await k.applyKustomization('down-infra', { targetNamespace: k.ns });
    await k.applyKustomization('down-apps', { targetNamespace: k.ns, dependsOn: [{ name: 'down-infra' }] });
    await readyAt('down-infra', infraRevision);
    await readyAt('down-apps', appsRevision);

    // a finalizer of our own holds the dependent's object, and with it the whole teardown
    const heldRef = { apiVersion: 'v1', kind: 'ConfigMap', namespace: k.ns, name: 'down-apps-cm' };
    await k.client.patch(heldRef, { metadata: { finalizers: ['test.fluxion.dev/hold'] } }, 'merge');
    // when each finished reconcile of the dependency began: proof the controller looked again after the grace period
    const infraReconcileStarts: number[] = [];
    const reconciler = k.handle.reconciler as { reconcile: typeof k.handle.reconciler.reconcile };
    const original = reconciler.reconcile;
    reconciler.reconcile = async (key, log) => {
      const startedAt = Date.now();
      try {
        return await original(key, log);
      } finally {
        if (key.namespace === k.ns && key.name === 'down-infra') infraReconcileStarts.push(startedAt);
      }
    };
    try {
      const ksRef = (name: string) => ({
        apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
        kind: 'Kustomization',
        namespace: k.ns,
        name,
      });
      // `kubectl delete -f` order: the dependency first
      await k.client.delete(ksRef('down-infra'));
      await k.client.delete(ksRef('down-apps'));

      await eventually('the dependent object terminating', async () =>
        Boolean((await configMap('down-apps-cm'))?.metadata?.deletionTimestamp),
      );
      const deletedAt = Date.parse(String((await k.getKustomization('down-infra'))?.metadata?.deletionTimestamp));
      const graceEnd = deletedAt + teardownGraceMs;
      await eventually('a reconcile of down-infra begun after its grace period', async () =>
        infraReconcileStarts.some((startedAt) => startedAt > graceEnd),
      );

      // the dependency is still there and has not touched its object: the object exists and is not terminating
      expect((await k.getKustomization('down-infra'))?.metadata?.deletionTimestamp).toBeDefined();
      const infraObject = await configMap('down-infra-cm');
      expect(infraObject).toBeDefined();
      expect(infraObject?.metadata?.deletionTimestamp).toBeUndefined();
    } finally {
      reconciler.reconcile = original;
      await k.client.patch(heldRef, { metadata: { finalizers: null } }, 'merge');
    }

    await eventually(
      'both Kustomizations gone',
      async () => !(await k.getKustomization('down-apps')) && !(await k.getKustomization('down-infra')),
    );
    expect(await configMap('down-infra-cm')).toBeUndefined();
    expect(await configMap('down-apps-cm')).toBeUndefined();
  });
});
