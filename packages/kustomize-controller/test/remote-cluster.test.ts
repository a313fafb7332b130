// spec.kubeConfig: a Kustomization applies to a second control plane from a kubeconfig Secret, and prunes there.
import { readFile } from 'node:fs/promises';
import { createClient, loadKubeConfig, type KubeClient } from '@fluxion/runtime';
import { startControlPlane, type ControlPlane } from '@fluxion/testenv';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { configMapYaml, eventually, readyOf, startKustomizeEnv, type KustomizeEnv } from './support/kustomize-env.ts';

let k: KustomizeEnv;
let remote: ControlPlane;
let remoteClient: KubeClient;
beforeAll(async () => {
  k = await startKustomizeEnv('remote');
  remote = await startControlPlane();
  remoteClient = createClient({ kubeConfig: loadKubeConfig({ kubeconfigPath: remote.kubeconfigPath }) });
});
afterAll(async () => {
  await k?.stop();
  await remote?.stop();
});

it('applies to the cluster in the kubeconfig Secret, not to its own, and prunes there', async () => {
  const kubeconfig = await readFile(remote.kubeconfigPath, 'utf8');
  await k.client.apply(
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'remote-kubeconfig', namespace: k.ns },
      stringData: { 'value.yaml': kubeconfig },
    },
    { fieldManager: 'test' },
  );
  const revision = await k.publish('remote', {
    'a.yaml': configMapYaml('remote-a', { v: '1' }),
    'b.yaml': configMapYaml('remote-b', { v: '1' }),
  });
  await k.applyKustomization('remote', {
    targetNamespace: 'default',
    kubeConfig: { secretRef: { name: 'remote-kubeconfig' } },
  });
  await eventually('Ready on the remote cluster', async () => {
    const kustomization = await k.getKustomization('remote');
    return readyOf(kustomization)?.status === 'True' && kustomization?.status?.lastAppliedRevision === revision;
  });
  const remoteConfigMap = (name: string) =>
    remoteClient.getIfExists({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', name });
  expect(await remoteConfigMap('remote-a')).toBeDefined();
  expect(
    await k.client.getIfExists({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', name: 'remote-a' }),
  ).toBeUndefined();

  await k.publish('remote', { 'a.yaml': configMapYaml('remote-a', { v: '1' }) });
  await eventually(
    'remote-b pruned on the remote cluster',
    async () => (await remoteConfigMap('remote-b')) === undefined,
  );
  expect(await remoteConfigMap('remote-a')).toBeDefined();
});

it('names the Secret when it is missing', async () => {
  await k.publish('nosecret', { 'a.yaml': configMapYaml('x', { v: '1' }) });
  await k.applyKustomization('nosecret', { targetNamespace: 'default', kubeConfig: { secretRef: { name: 'absent' } } });
  await eventually(
    'the missing Secret reported',
    async () =>
      readyOf(await k.getKustomization('nosecret'))?.message === `kubeconfig Secret '${k.ns}/absent' not found`,
  );
});
