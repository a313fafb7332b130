// spec.ignore against the real control plane: a field another controller owns is left alone, the rest still corrected.
import type { V1ConfigMap, V1Deployment } from '@kubernetes/client-node';
import { afterAll, beforeAll, expect, it } from 'vitest';
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
  k = await startKustomizeEnv('ignore');
});
afterAll(async () => {
  await k?.stop();
});

it('leaves /spec/replicas of the selected Deployment to another manager, and still corrects drift elsewhere', async () => {
  const revision = await k.publish('app', {
    'deploy/web.yaml': deploymentYaml('web', { replicas: 1 }),
    'deploy/settings.yaml': configMapYaml('settings', { color: 'blue' }),
  });
  await k.applyKustomization('app', {
    path: './deploy',
    targetNamespace: k.ns,
    ignore: [{ paths: ['/spec/replicas'], target: { kind: 'Deployment', name: 'web' } }],
  });
  await eventually(
    'app Ready',
    async () => (await k.getKustomization('app'))?.status?.lastAppliedRevision === revision,
  );
  expect((await k.get<V1Deployment>('apps/v1', 'Deployment', 'web'))?.spec?.replicas).toBe(1);

  // an autoscaler scales the Deployment; someone edits the ConfigMap
  await k.client.patch(
    { apiVersion: 'apps/v1', kind: 'Deployment', namespace: k.ns, name: 'web' },
    { spec: { replicas: 3 } },
    'merge',
  );
  await k.client.patch(
    { apiVersion: 'v1', kind: 'ConfigMap', namespace: k.ns, name: 'settings' },
    { data: { color: 'red' } },
    'merge',
  );
  await k.requestReconcile('app');
  await eventually(
    'the drift in the ConfigMap corrected',
    async () => (await k.get<V1ConfigMap>('v1', 'ConfigMap', 'settings'))?.data?.['color'] === 'blue',
  );
  expect(readyOf(await k.getKustomization('app'))?.status).toBe('True');
  expect((await k.get<V1Deployment>('apps/v1', 'Deployment', 'web'))?.spec?.replicas).toBe(3);
});
