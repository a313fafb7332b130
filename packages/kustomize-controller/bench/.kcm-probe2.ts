import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createClient, loadKubeConfig, computeStatus } from '@fluxion/runtime';
import { startControlPlane, findBinary, freePort } from '@fluxion/testenv';
const count = Number(process.argv[2] ?? 200);
const qps = process.argv[3] ?? '20';
const cp = await startControlPlane({ full: false });
const port = await freePort();
const certDir = join(cp.stateDir, 'pki');
const kcm = spawn(findBinary('kube-controller-manager')!, [`--kubeconfig=${cp.kubeconfigPath}`, '--leader-elect=false', `--secure-port=${port}`, '--bind-address=127.0.0.1', `--service-account-private-key-file=${join(certDir, 'sa.key')}`, `--root-ca-file=${join(certDir, 'apiserver.crt')}`, '--use-service-account-credentials=false', '--controllers=*,-nodeipam,-cloud-node-lifecycle,-service-lb-controller,-node-route-controller', '--concurrent-deployment-syncs=10', `--kube-api-qps=${qps}`, `--kube-api-burst=${Number(qps) * 2}`], { stdio: 'ignore' });
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
  console.log(`kcm qps ${qps}: ${count} deployments: created in ${(created / 1000).toFixed(1)} s, all Current after ${((performance.now() - started) / 1000).toFixed(1)} s`);
} finally { kcm.kill(); await cp.stop(); }
