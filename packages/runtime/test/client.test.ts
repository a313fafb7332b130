// The client, status patcher and event recorder against a real API server.
import { readFileSync } from 'node:fs';
import type { CoreV1Event, KubernetesObject, V1ConfigMap } from '@kubernetes/client-node';
import { useTestNamespace } from '@fluxion/testenv';
import type { TestNamespace } from '@fluxion/testenv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NoKindMatchError } from '../src/api-discovery.ts';
import { KubeApiError } from '../src/api-error.ts';
import { clientFromKubeconfigString, createClient, refOf } from '../src/client.ts';
import type { KubeClient } from '../src/client.ts';
import { EventRecorder } from '../src/events.ts';
import { StatusPatcher } from '../src/status-patcher.ts';
import { eventually } from '@fluxion/testenv';

interface Gadget extends KubernetesObject {
  spec?: { size?: number };
  status?: { observedGeneration?: number; phase?: string; note?: string };
}

describe('KubeClient', () => {
  let env: TestNamespace;
  let client: KubeClient;
  let group: string;
  const crdName = (): string => `gadgets.${group}`;

  beforeAll(async () => {
    env = await useTestNamespace('client');
    group = `${env.namespace}.fluxion.test`;
    client = createClient({ kubeConfig: env.kubeConfig, qps: 200, burst: 400 });
  });
  afterAll(async () => {
    await client.deleteIfExists({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      name: crdName(),
    });
  });

  it('creates, gets, patches (merge, JSON, apply) and deletes any kind', async () => {
    const ref = { apiVersion: 'v1', kind: 'ConfigMap', name: 'crud', namespace: env.namespace };
    await client.create<V1ConfigMap>({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'crud', namespace: env.namespace },
      data: { a: '1' },
    });
    await client.patch(ref, { data: { b: '2' } }, 'merge');
    await client.patch(ref, [{ op: 'add', path: '/data/c', value: '3' }], 'json');
    await client.apply(
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'crud', namespace: env.namespace }, data: { d: '4' } },
      { fieldManager: 'test-apply' },
    );
    const live = await client.get<V1ConfigMap>(ref);
    expect(live.data).toEqual({ a: '1', b: '2', c: '3', d: '4' });
    expect(live.metadata?.managedFields?.map((f) => f.manager)).toContain('test-apply');
    for (const name of ['page-1', 'page-2'])
      await client.create<V1ConfigMap>({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name, namespace: env.namespace, labels: { paged: 'yes' } },
      });
    await client.patch(ref, { metadata: { labels: { paged: 'yes' } } }, 'merge');
    // one item per page: the client follows `continue` to the end
    const listed = await client.list<V1ConfigMap>(
      { group: '', version: 'v1', kind: 'ConfigMap' },
      { namespace: env.namespace, labelSelector: 'paged=yes', limit: 1 },
    );
    expect(listed.items.map((cm) => `${cm.kind}/${cm.metadata?.name}`).sort()).toEqual([
      'ConfigMap/crud',
      'ConfigMap/page-1',
      'ConfigMap/page-2',
    ]);
    expect(Number(listed.resourceVersion)).toBeGreaterThan(0);
    await client.delete(ref);
    expect(await client.getIfExists(ref)).toBeUndefined();
  });

  it('carries the API server status code, reason and message in errors', async () => {
    const error = await client
      .get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'missing', namespace: env.namespace })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KubeApiError);
    expect((error as KubeApiError).statusCode).toBe(404);
    expect((error as KubeApiError).reason).toBe('NotFound');
    expect((error as KubeApiError).serverMessage).toBe('configmaps "missing" not found');
  });

  it('discovers whether a kind is namespaced, and finds a CRD kind once it appears', async () => {
    expect(
      await client.resourceFor({ group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'ClusterRole' }),
    ).toMatchObject({ plural: 'clusterroles', namespaced: false });
    expect(await client.resourceFor({ group: 'apps', version: 'v1', kind: 'Deployment' })).toMatchObject({
      plural: 'deployments',
      namespaced: true,
      hasStatus: true,
    });
    const gadget = { group, version: 'v1', kind: 'Gadget' };
    await expect(client.resourceFor(gadget)).rejects.toBeInstanceOf(NoKindMatchError);
    await client.create({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: crdName() },
      spec: {
        group,
        scope: 'Namespaced',
        names: { plural: 'gadgets', singular: 'gadget', kind: 'Gadget', listKind: 'GadgetList' },
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            subresources: { status: {} },
            schema: {
              openAPIV3Schema: {
                type: 'object',
                properties: {
                  spec: { type: 'object', properties: { size: { type: 'integer' } } },
                  status: {
                    type: 'object',
                    properties: {
                      observedGeneration: { type: 'integer' },
                      phase: { type: 'string' },
                      note: { type: 'string' },
                    },
                  },
                },
              },
            },
          },
        ],
      },
    } as KubernetesObject);
    // the same client, without being told, finds the new kind
    const resource = await eventually(() => client.resourceFor(gadget), { timeoutMs: 30_000, intervalMs: 250 });
    expect(resource).toMatchObject({ plural: 'gadgets', namespaced: true, hasStatus: true });
  });

  it('writes only the status fields it owns, and reports whether it wrote', async () => {
    const gadget = await eventually(
      () =>
        client.create<Gadget>({
          apiVersion: `${group}/v1`,
          kind: 'Gadget',
          metadata: { name: 'g1', namespace: env.namespace },
          spec: { size: 1 },
        }),
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    // another controller owns status.note
    await client.apply<Gadget>(
      {
        apiVersion: `${group}/v1`,
        kind: 'Gadget',
        metadata: { name: 'g1', namespace: env.namespace },
        status: { note: 'theirs' },
      },
      { fieldManager: 'other-controller', subresource: 'status' },
    );
    const current = await client.get<Gadget>(refOf(gadget));
    const patcher = new StatusPatcher(client, 'gadget-controller');

    const first = await patcher.patch(current, { observedGeneration: 1, phase: 'Ready' });
    expect(first.written).toBe(true);
    expect(first.object.status).toEqual({ observedGeneration: 1, phase: 'Ready', note: 'theirs' });
    const again = await patcher.patch(first.object, { observedGeneration: 1, phase: 'Ready' });
    expect(again.written).toBe(false);
    // a field we stop declaring is removed; theirs stays
    const dropped = await patcher.patch(again.object, { observedGeneration: 1 });
    expect(dropped.written).toBe(true);
    expect(dropped.object.status).toEqual({ observedGeneration: 1, note: 'theirs' });
    // spec is untouched by a status write
    expect((await client.get<Gadget>(refOf(gadget))).spec).toEqual({ size: 1 });
  });

  it("acts as a ServiceAccount when impersonating one, with that account's permissions", async () => {
    const ns = env.namespace;
    await client.create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'reader', namespace: ns } });
    await client.create<V1ConfigMap>({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'secret-ish', namespace: ns },
      data: { k: 'v' },
    });
    const asReader = client.impersonateServiceAccount(ns, 'reader');
    const ref = { apiVersion: 'v1', kind: 'ConfigMap', name: 'secret-ish', namespace: ns };
    const denied = await asReader.get(ref).catch((e: unknown) => e);
    expect((denied as KubeApiError).statusCode).toBe(403);
    expect((denied as KubeApiError).serverMessage).toContain(`system:serviceaccount:${ns}:reader`);

    await client.create({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'read-cm', namespace: ns },
      rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }],
    } as KubernetesObject);
    await client.create({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'read-cm', namespace: ns },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'read-cm' },
      subjects: [{ kind: 'ServiceAccount', name: 'reader', namespace: ns }],
    } as KubernetesObject);
    const allowed = await eventually(() => asReader.get<V1ConfigMap>(ref), { timeoutMs: 10_000 });
    expect(allowed.data).toEqual({ k: 'v' });
  });

  it('builds a working client from a kubeconfig string (a kubeConfig secret)', async () => {
    const remote = clientFromKubeconfigString(readFileSync(env.kubeconfigPath, 'utf8'));
    const namespace = await remote.get({ apiVersion: 'v1', kind: 'Namespace', name: env.namespace });
    expect(namespace.metadata?.name).toBe(env.namespace);
    expect(() =>
      clientFromKubeconfigString('apiVersion: v1\nkind: Config\nclusters: []\n', {
        origin: 'secret flux-system/remote',
      }),
    ).toThrow(/secret flux-system\/remote/);
  });
});

describe('EventRecorder', () => {
  let env: TestNamespace;
  let client: KubeClient;

  beforeAll(async () => {
    env = await useTestNamespace('events');
    client = createClient({ kubeConfig: env.kubeConfig });
  });

  it('records core/v1 Events with annotations, and folds repeats into a count', async () => {
    const subject = await client.create<V1ConfigMap>({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'subject', namespace: env.namespace },
    });
    const recorder = new EventRecorder(client, { reportingController: 'kustomize-controller' });
    const annotations = { 'source.toolkit.fluxcd.io/revision': 'main@sha1:0123456789abcdef' };
    for (let i = 0; i < 3; i++) {
      await recorder.record({
        object: subject,
        type: 'Normal',
        reason: 'ReconciliationSucceeded',
        message: 'Applied revision main@sha1:0123',
        annotations,
      });
    }
    await recorder.record({
      object: subject,
      type: 'Warning',
      reason: 'HealthCheckFailed',
      message: 'timeout waiting for: [Deployment/x/y]',
    });

    const events = await client.list<CoreV1Event>(
      { group: '', version: 'v1', kind: 'Event' },
      { namespace: env.namespace },
    );
    const byReason = Object.fromEntries(events.items.map((event) => [event.reason, event]));
    expect(events.items).toHaveLength(2);
    const succeeded = byReason['ReconciliationSucceeded'];
    expect(succeeded?.count).toBe(3);
    expect(succeeded?.type).toBe('Normal');
    expect(succeeded?.metadata.annotations).toEqual(annotations);
    expect(succeeded?.reportingComponent).toBe('kustomize-controller');
    expect(succeeded?.involvedObject).toMatchObject({
      kind: 'ConfigMap',
      name: 'subject',
      namespace: env.namespace,
      uid: subject.metadata?.uid,
    });
    expect(byReason['HealthCheckFailed']?.type).toBe('Warning');
    expect(byReason['HealthCheckFailed']?.count).toBe(1);
  });
});
