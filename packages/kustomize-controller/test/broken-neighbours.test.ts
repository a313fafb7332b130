// One broken Kustomization never delays the others: a hanging health wait and a failing build share the controller
// with healthy Kustomizations, which all get Ready while the broken ones are still hanging and failing.
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
  k = await startKustomizeEnv('neighbours', { concurrency: 4 });
});
afterAll(async () => {
  await k?.stop();
});

it('healthy Kustomizations get Ready while one hangs in its health check and one fails to build', async () => {
  // a Deployment no node can run: its health check waits out a 10 minute timeout
  await k.publish('hanging', {
    'web.yaml': deploymentYaml('hanging-web', { replicas: 1, nodeSelector: { 'no-such-node': 'true' } }),
  });
  await k.applyKustomization('hanging', { targetNamespace: k.ns, wait: true, timeout: '10m' });
  await k.publish('failing', {
    'broken.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: broken\ndata:\n  k: [unclosed\n',
  });
  await k.applyKustomization('failing', { targetNamespace: k.ns, retryInterval: '1s' });
  await eventually('the hanging one waiting', async () => k.handle.waits.has(`${k.ns}/hanging`));

  const healthy = Array.from({ length: 12 }, (_, index) => `healthy-${index}`);
  const revisions = await Promise.all(
    healthy.map((name) => k.publish(name, { 'cm.yaml': configMapYaml(`${name}-cm`, { v: '1' }) })),
  );
  await Promise.all(healthy.map((name) => k.applyKustomization(name, { targetNamespace: k.ns, wait: true })));

  for (const [index, name] of healthy.entries()) {
    await eventually(`${name} Ready`, async () => {
      const kustomization = await k.getKustomization(name);
      return (
        readyOf(kustomization)?.status === 'True' && kustomization?.status?.lastAppliedRevision === revisions[index]
      );
    });
  }
  // and the broken ones are still as broken as they were
  expect(k.handle.waits.has(`${k.ns}/hanging`)).toBe(true);
  expect(readyOf(await k.getKustomization('hanging'))?.status).not.toBe('True');
  expect(readyOf(await k.getKustomization('failing'))).toMatchObject({ status: 'False', reason: 'BuildFailed' });
});
