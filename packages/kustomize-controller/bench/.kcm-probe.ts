import { createClient, loadKubeConfig, computeStatus } from '@fluxion/runtime';
import { startControlPlane } from '@fluxion/testenv';
const count = Number(process.argv[2] ?? 200);
const cp = await startControlPlane({ full: true });
try {
  const client = createClient({ kubeConfig: loadKubeConfig({ kubeconfigPath: cp.kubeconfigPath }), qps: 1000, burst: 2000 });
  await client.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'probe' } }, { fieldManager: 'p', force: true });
  const started = performance.now();
  const names = Array.from({ length: count }, (_, i) => `d-${i}`);
  let next = 0;
  await Promise.all(Array.from({ length: 32 }, async () => { while (next < names.length) { const name = names[next++]!; await client.apply({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: 'probe' }, spec: { replicas: 0, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'a', image: 'nginx' }] } } } } as never, { fieldManager: 'p', force: true }); } }));
  const created = performance.now() - started;
  for (;;) {
    const { items } = await client.list({ group: 'apps', version: 'v1', kind: 'Deployment' }, { namespace: 'probe' });
    const current = items.filter((item) => computeStatus(item).status === 'Current').length;
    if (current === count) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  console.log(`${count} deployments: created in ${(created / 1000).toFixed(1)} s, all Current after ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const { readFileSync } = await import('node:fs');
  const log = readFileSync(`${cp.stateDir}/kube-controller-manager.log`, 'utf8');
  console.log('throttling lines:', log.split('\n').filter((l) => l.includes('throttling')).length);
  console.log(log.split('\n').filter((l) => l.includes('throttling')).slice(-3).join('\n'));
} finally { await cp.stop(); }
