// Benchmark: 1,000 ConfigMaps applied in one set on a private control plane, then re-applied unchanged (must write nothing).
// Run: node packages/runtime/bench/apply-1000.ts [--runs=3] [--kube-api-qps=500] [--kube-api-burst=1000]
import type { V1ConfigMap } from '@kubernetes/client-node';
import { median, startControlPlane } from '@fluxion/testenv';
import { createClient } from '../src/client.ts';
import { ResourceManager } from '../src/resource-manager/apply.ts';

const flag = (name: string, fallback: number): number => {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  return arg ? Number(arg.split('=')[1]) : fallback;
};
const runs = flag('runs', 3);
const qps = flag('kube-api-qps', 500);
const burst = flag('kube-api-burst', 1000);
const objectCount = 1000;

const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)}s`;

console.log(
  `apply-1000: ${objectCount} ConfigMaps, ${runs} runs, qps=${qps} burst=${burst}; starting a control plane...`,
);
const controlPlane = await startControlPlane();
const failures: string[] = [];
const firstTimes: number[] = [];
const secondTimes: number[] = [];
try {
  const client = createClient({ kubeConfig: controlPlane.kubeConfig(), qps, burst });
  const manager = new ResourceManager(client, { fieldManager: 'fluxion-bench' });
  for (let run = 1; run <= runs; run++) {
    const namespace = `bench-${run}`;
    await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
    const objects: V1ConfigMap[] = Array.from({ length: objectCount }, (_, i) => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: `cm-${String(i).padStart(4, '0')}`,
        namespace,
        labels: { 'app.kubernetes.io/part-of': 'bench' },
      },
      data: { index: String(i), payload: 'x'.repeat(256) },
    }));

    let started = performance.now();
    const first = await manager.applyAll(objects);
    const firstMs = performance.now() - started;
    const created = first.entries.filter((e) => e.action === 'created').length;
    const versionsBefore = await resourceVersions(namespace);

    started = performance.now();
    const second = await manager.applyAll(objects);
    const secondMs = performance.now() - started;
    const versionsAfter = await resourceVersions(namespace);
    const rewritten = [...versionsBefore].filter(([name, rv]) => versionsAfter.get(name) !== rv).length;

    if (created !== objectCount) failures.push(`run ${run}: first apply created ${created} of ${objectCount}`);
    if (second.hasChanges || rewritten > 0)
      failures.push(
        `run ${run}: unchanged re-apply wrote ${rewritten} objects (${second.changes.length} changes reported)`,
      );
    firstTimes.push(firstMs);
    secondTimes.push(secondMs);
    console.log(
      `  run ${run}/${runs}: create ${seconds(firstMs)} (${created} created), re-apply ${seconds(secondMs)} (${second.changes.length} changes, ${rewritten} resourceVersions moved)`,
    );
  }

  async function resourceVersions(namespace: string): Promise<Map<string, string>> {
    const listed = await client.list<V1ConfigMap>(
      { group: '', version: 'v1', kind: 'ConfigMap' },
      { namespace, labelSelector: 'app.kubernetes.io/part-of=bench' },
    );
    return new Map(listed.items.map((cm) => [cm.metadata?.name ?? '', cm.metadata?.resourceVersion ?? '']));
  }
} finally {
  await controlPlane.stop();
}

console.log('');
console.log(
  `apply ${objectCount} ConfigMaps (all created):    median ${seconds(median(firstTimes))}  [${firstTimes.map(seconds).join(', ')}]`,
);
console.log(
  `re-apply unchanged (writes nothing): median ${seconds(median(secondTimes))}  [${secondTimes.map(seconds).join(', ')}]`,
);
if (failures.length > 0) {
  console.log(`FAILED:\n  ${failures.join('\n  ')}`);
  process.exitCode = 1;
} else {
  console.log('OK: every re-apply left all resourceVersions unchanged');
}
