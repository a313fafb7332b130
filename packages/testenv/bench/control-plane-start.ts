// Benchmark: control plane start (binaries cached) to /readyz ok, core and full modes; medians.
import { CoreV1Api } from '@kubernetes/client-node';
import { median, startControlPlane } from '../src/index.ts';

const runs = Number(process.env.BENCH_RUNS ?? 5);

async function measure(full: boolean): Promise<{ start: number[]; namespace: number[] }> {
  const start: number[] = [];
  const namespace: number[] = [];
  for (let run = 1; run <= runs; run++) {
    const began = performance.now();
    const controlPlane = await startControlPlane({ full });
    start.push(performance.now() - began);
    // What one test file pays for its own set-up: a client and a namespace.
    const setupBegan = performance.now();
    const core = controlPlane.kubeConfig().makeApiClient(CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: `bench-${run}` } } });
    namespace.push(performance.now() - setupBegan);
    await controlPlane.stop();
    process.stderr.write(`  ${full ? 'full' : 'core'} run ${run}/${runs}: ${(start.at(-1)! / 1000).toFixed(2)} s\n`);
  }
  return { start, namespace };
}

const core = await measure(false);
const full = await measure(true);
const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
console.log('\ncontrol plane start to /readyz ok (binaries cached), median of', runs);
console.log(
  `  core (etcd + kube-apiserver):                       ${seconds(median(core.start))}   (min ${seconds(Math.min(...core.start))}, max ${seconds(Math.max(...core.start))})`,
);
console.log(
  `  full (+ controller-manager, scheduler, kwok, node): ${seconds(median(full.start))}   (min ${seconds(Math.min(...full.start))}, max ${seconds(Math.max(...full.start))})`,
);
console.log(`  per-test-file set-up (client + namespace):          ${median(core.namespace).toFixed(0)} ms`);
console.log(`  target: under 10 s median -> ${median(full.start) < 10_000 ? 'met' : 'NOT met'}`);
