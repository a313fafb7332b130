// The floor under the scale benchmark's time to Ready: N Deployments at 0 replicas applied straight to a full testenv
// control plane, no kustomize-controller, timed until kstatus calls each Current (kube-controller-manager's work).
// Usage: node packages/kustomize-controller/bench/deployments-ready-floor.ts [--count 1000]
import { parseArgs } from 'node:util';
import type { KubernetesObject } from '@kubernetes/client-node';
import { computeStatus, createClient } from '@fluxion/runtime';
import { startControlPlane } from '@fluxion/testenv';

const { values } = parseArgs({ options: { count: { type: 'string', default: '1000' } } });
const count = Number(values.count);
const namespace = 'floor';
const controlPlane = await startControlPlane({ full: true });
try {
  const client = createClient({ kubeconfigPath: controlPlane.kubeconfigPath, qps: 1000, burst: 2000 });
  await client.apply(
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } },
    { fieldManager: 'bench', force: true },
  );
  const started = performance.now();
  const names = Array.from({ length: count }, (_, index) => `app-${index}`);
  let next = 0;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      for (let name = names[next++]; name !== undefined; name = names[next++]) {
        const deployment = {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name, namespace },
          spec: {
            replicas: 0,
            selector: { matchLabels: { app: name } },
            template: {
              metadata: { labels: { app: name } },
              spec: { containers: [{ name: 'app', image: 'ghcr.io/stefanprodan/podinfo:6.7.0' }] },
            },
          },
        };
        await client.apply(deployment as KubernetesObject, { fieldManager: 'bench', force: true });
      }
    }),
  );
  const createdSeconds = (performance.now() - started) / 1000;
  for (;;) {
    const { items } = await client.list({ group: 'apps', version: 'v1', kind: 'Deployment' }, { namespace });
    const current = items.filter((item) => computeStatus(item).status === 'Current').length;
    process.stderr.write(
      `\r\x1b[K${current}/${count} Current after ${((performance.now() - started) / 1000).toFixed(0)} s`,
    );
    if (current === count) break;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  process.stderr.write('\r\x1b[K');
  console.log(
    `${count} Deployments at 0 replicas, no kustomize-controller: applied in ${createdSeconds.toFixed(1)} s, all Current after ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
} finally {
  await controlPlane.stop();
}
