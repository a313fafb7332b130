// The resource manager against a real API server: change sets, no-op re-applies, stages, rejections, prune, force, drift.
import type { KubernetesObject, V1ConfigMap, V1Deployment } from '@kubernetes/client-node';
import { useTestNamespace } from '@fluxion/testenv';
import type { TestNamespace } from '@fluxion/testenv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, refOf } from '../src/client.ts';
import type { KubeClient } from '../src/client.ts';
import { ResourceManager } from '../src/resource-manager/apply.ts';
import { ApplyValidationError, WaitCancelledError, WaitTimeoutError } from '../src/resource-manager/errors.ts';
import { inventoryOf, staleEntries } from '../src/resource-manager/inventory.ts';
import { prune } from '../src/resource-manager/prune.ts';
import { waitForCurrent } from '../src/resource-manager/wait.ts';

const fieldManager = 'fluxion-test';

describe('ResourceManager', () => {
  let env: TestNamespace;
  let client: KubeClient;
  let manager: ResourceManager;
  let ns: string;
  const crdNames: string[] = [];

  beforeAll(async () => {
    env = await useTestNamespace('rm');
    ns = env.namespace;
    client = createClient({ kubeConfig: env.kubeConfig, qps: 500, burst: 1000 });
    manager = new ResourceManager(client, { fieldManager });
  });
  afterAll(async () => {
    for (const name of crdNames)
      await client.deleteIfExists({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name });
  });

  const configMap = (name: string, data: Record<string, string>, extra: Partial<V1ConfigMap> = {}): V1ConfigMap => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: ns },
    data,
    ...extra,
  });
  const deployment = (name: string, replicas: number): V1Deployment => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] } },
    },
  });
  const resourceVersions = async (objects: KubernetesObject[]): Promise<string[]> =>
    Promise.all(
      objects.map(
        async (object) =>
          (
            await client.get(
              refOf({ ...object, metadata: { ...object.metadata, namespace: object.metadata?.namespace ?? ns } }),
            )
          ).metadata?.resourceVersion ?? '',
      ),
    );

  it('reports created, then configured and unchanged, and a second identical apply writes nothing', async () => {
    const set = [configMap('cs-a', { k: '1' }), configMap('cs-b', { k: '1' })];
    const first = await manager.applyAll(set);
    expect(first.toString()).toBe(`ConfigMap/${ns}/cs-a created\nConfigMap/${ns}/cs-b created`);

    const changed = [configMap('cs-a', { k: '2' }), configMap('cs-b', { k: '1' })];
    const second = await manager.applyAll(changed);
    expect(second.toMap()).toEqual({ [`ConfigMap/${ns}/cs-a`]: 'configured', [`ConfigMap/${ns}/cs-b`]: 'unchanged' });

    const before = await resourceVersions(changed);
    const third = await manager.applyAll(changed);
    expect(third.hasChanges).toBe(false);
    expect(await resourceVersions(changed)).toEqual(before);
  });

  it('applies a CRD and its custom resource in one set, the CRD first', async () => {
    const group = `${ns}.fluxion.test`;
    const crdName = `widgets.${group}`;
    crdNames.push(crdName);
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: crdName },
      spec: {
        group,
        scope: 'Namespaced',
        names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: {
              openAPIV3Schema: {
                type: 'object',
                properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } } },
              },
            },
          },
        ],
      },
    };
    const widget = {
      apiVersion: `${group}/v1`,
      kind: 'Widget',
      metadata: { name: 'w1', namespace: ns },
      spec: { size: 3 },
    };
    // the custom resource comes first in the input: stages, not input order, decide
    const changeSet = await manager.applyAll([widget, crd]);
    expect(changeSet.toString()).toBe(`CustomResourceDefinition/${crdName} created\nWidget/${ns}/w1 created`);
    const live = await client.get<typeof widget>(refOf(widget));
    expect(live.spec.size).toBe(3);
    expect((await manager.applyAll([widget, crd])).hasChanges).toBe(false);
  });

  it('names a rejected object with the server message and writes nothing of its stage', async () => {
    const set = [
      configMap('rej-ok-1', { k: 'v' }),
      configMap('Rej_Bad', { k: 'v' }),
      configMap('rej-ok-2', { k: 'v' }),
    ];
    const error = await manager.applyAll(set).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApplyValidationError);
    const validation = error as ApplyValidationError;
    expect(validation.rejected.map((r) => r.subject)).toEqual([`ConfigMap/${ns}/Rej_Bad`]);
    expect(validation.message).toMatch(
      new RegExp(`ConfigMap/${ns}/Rej_Bad dry-run failed: \\(Invalid\\).*metadata.name`),
    );
    expect(await client.getIfExists(refOf(set[0]!))).toBeUndefined();
    expect(await client.getIfExists(refOf(set[2]!))).toBeUndefined();
  });

  it('prunes what left the set, but not protected objects or objects someone else now owns', async () => {
    const owner = { 'fluxion.test/owner': 'rm-prune' };
    const owned = (name: string, extra: Partial<V1ConfigMap['metadata']> = {}): V1ConfigMap =>
      configMap(name, { k: 'v' }, { metadata: { name, namespace: ns, labels: owner, ...extra } });
    const previousSet = [
      owned('pr-keep'),
      owned('pr-gone'),
      owned('pr-protected', { annotations: { 'fluxion.test/prune': 'disabled' } }),
      owned('pr-adopted'),
    ];
    await manager.applyAll(previousSet);
    // another tool relabels pr-adopted: it is theirs now
    await client.patch(
      refOf(previousSet[3]!),
      { metadata: { labels: { 'fluxion.test/owner': 'someone-else' } } },
      'merge',
      { fieldManager: 'other-tool' },
    );

    const currentSet = [owned('pr-keep')];
    await manager.applyAll(currentSet);
    const stale = staleEntries(inventoryOf(previousSet), inventoryOf(currentSet));
    const changeSet = await prune(client, stale, { pruneDisabledAnnotation: 'fluxion.test/prune', ownerLabels: owner });
    expect(changeSet.toMap()).toEqual({
      [`ConfigMap/${ns}/pr-gone`]: 'deleted',
      [`ConfigMap/${ns}/pr-protected`]: 'skipped',
      [`ConfigMap/${ns}/pr-adopted`]: 'skipped',
    });
    expect(await client.getIfExists(refOf(previousSet[1]!))).toBeUndefined();
    expect(await client.getIfExists(refOf(previousSet[2]!))).toBeDefined();
    expect(await client.getIfExists(refOf(previousSet[3]!))).toBeDefined();
    expect(await client.getIfExists(refOf(previousSet[0]!))).toBeDefined();
  });

  it('recreates an object whose immutable field changed only when force is set', async () => {
    const original = configMap('immutable', { k: 'v1' }, { immutable: true });
    await manager.applyAll([original]);
    const uidBefore = (await client.get(refOf(original))).metadata?.uid;
    const changed = configMap('immutable', { k: 'v2' }, { immutable: true });

    const refused = await manager.applyAll([changed]).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ApplyValidationError);
    expect((refused as Error).message).toMatch(/immutable/);

    const forced = await manager.applyAll([changed], { force: true });
    expect(forced.toMap()).toEqual({ [`ConfigMap/${ns}/immutable`]: 'created' });
    const live = await client.get<V1ConfigMap>(refOf(changed));
    expect(live.data?.['k']).toBe('v2');
    expect(live.metadata?.uid).not.toBe(uidBefore);
  });

  it('reverts drift made with another field manager (kubectl scale, kubectl edit)', async () => {
    const web = deployment('drift', 2);
    await manager.applyAll([web]);
    await client.patch(refOf(web), { spec: { replicas: 5 } }, 'merge', { fieldManager: 'kubectl-scale' });
    await client.patch(refOf(web), { metadata: { labels: { 'edited-by': 'hand' } } }, 'merge', {
      fieldManager: 'kubectl-edit',
    });

    const changeSet = await manager.applyAll([web]);
    expect(changeSet.toMap()).toEqual({ [`Deployment/${ns}/drift`]: 'configured' });
    const live = await client.get<V1Deployment>(refOf(web));
    expect(live.spec?.replicas).toBe(2);
    expect(live.metadata?.labels?.['edited-by']).toBeUndefined();
    expect(live.metadata?.managedFields?.map((entry) => entry.manager)).not.toContain('kubectl-edit');
    expect((await manager.applyAll([web])).hasChanges).toBe(false);
  });

  it('leaves alone a field another manager owns that our manifests do not set', async () => {
    const cm = configMap('shared', { ours: 'yes' });
    await manager.applyAll([cm]);
    await client.apply(
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'shared', namespace: ns, annotations: { 'other.io/note': 'keep me' } },
      },
      { fieldManager: 'other-operator' },
    );
    const changeSet = await manager.applyAll([cm]);
    expect(changeSet.toMap()).toEqual({ [`ConfigMap/${ns}/shared`]: 'unchanged' });
    const live = await client.get<V1ConfigMap>(refOf(cm));
    expect(live.metadata?.annotations?.['other.io/note']).toBe('keep me');
    expect(live.data?.['ours']).toBe('yes');
  });

  it('waits for objects to be Current, times out naming the ones that are not, and can be cancelled', async () => {
    const ready = configMap('wait-ready', { k: 'v' });
    // a paused Deployment never gets a ReplicaSet, with or without a controller-manager: it stays InProgress
    const stuck: V1Deployment = {
      ...deployment('wait-stuck', 1),
      spec: { ...deployment('wait-stuck', 1).spec!, paused: true },
    };
    await manager.applyAll([ready, stuck]);
    const statuses = await waitForCurrent(client, [refOf(ready)], { timeoutMs: 10_000, intervalMs: 100 });
    expect(statuses.map((s) => s.status.status)).toEqual(['Current']);

    const timeout = await waitForCurrent(client, [refOf(ready), refOf(stuck)], {
      timeoutMs: 1_000,
      intervalMs: 100,
    }).catch((e: unknown) => e);
    expect(timeout).toBeInstanceOf(WaitTimeoutError);
    expect((timeout as Error).message).toContain(`Deployment/${ns}/wait-stuck status: 'InProgress'`);
    expect((timeout as Error).message).not.toContain('wait-ready');

    const newRevision = new AbortController();
    const waiting = waitForCurrent(client, [refOf(stuck)], {
      timeoutMs: 60_000,
      intervalMs: 100,
      signal: newRevision.signal,
    });
    newRevision.abort('revision main@sha1:abc arrived');
    await expect(waiting).rejects.toBeInstanceOf(WaitCancelledError);
  });

  it('puts namespaced objects without a namespace in the default namespace, or rejects them by name', async () => {
    const bare = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'bare' }, data: { k: 'v' } };
    const error = await manager.applyAll([bare]).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/ConfigMap\/bare .*namespaced/);
    const changeSet = await manager.applyAll([bare], { defaultNamespace: ns });
    expect(changeSet.toString()).toBe(`ConfigMap/${ns}/bare created`);
  });
});
