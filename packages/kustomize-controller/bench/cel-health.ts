// CEL health checks: 1,000 evaluations of a healthCheckExprs entry (inProgress, failed, current) over custom resources,
// as the health wait does for each object it reads. Usage: node packages/kustomize-controller/bench/cel-health.ts [--objects 1000] [--runs 7]
import { parseArgs } from 'node:util';
import type { KubernetesObject } from '@kubernetes/client-node';
import { compileHealthCheckExprs } from '../src/health-check-exprs.ts';

const { values } = parseArgs({
  options: { objects: { type: 'string', default: '1000' }, runs: { type: 'string', default: '7' } },
});
const count = Number(values.objects);
const runs = Number(values.runs);

const started = performance.now();
const judge = compileHealthCheckExprs([
  {
    apiVersion: 'cert-manager.io/v1',
    kind: 'Certificate',
    inProgress: "status.conditions.exists(e, e.type == 'Issuing' && e.status == 'True')",
    failed: "status.conditions.exists(e, e.type == 'Ready' && e.status == 'False' && e.reason == 'Failed')",
    current: "status.conditions.filter(e, e.type == 'Ready').all(e, e.status == 'True')",
  },
]);
const compileMs = performance.now() - started;

const objects: KubernetesObject[] = Array.from(
  { length: count },
  (_, index) =>
    ({
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: { name: `cert-${index}`, namespace: 'apps', generation: 2 },
      spec: { secretName: `tls-${index}`, dnsNames: [`host-${index}.example.com`] },
      status: {
        observedGeneration: 2,
        conditions: [
          { type: 'Issuing', status: 'False', reason: 'Done' },
          {
            type: 'Ready',
            status: index % 10 === 0 ? 'False' : 'True',
            reason: index % 10 === 0 ? 'Pending' : 'Ready',
          },
        ],
      },
    }) as KubernetesObject,
);

const times: number[] = [];
const tally = new Map<string, number>();
for (let run = 0; run < runs; run++) {
  const began = performance.now();
  for (const object of objects) {
    const status = judge(object)?.status ?? 'none';
    if (run === 0) tally.set(status, (tally.get(status) ?? 0) + 1);
  }
  times.push(performance.now() - began);
}
times.sort((a, b) => a - b);
console.log(
  `CEL health checks with @marcbachmann/cel-js, ${count} objects, 3 expressions each (median of ${runs} runs):`,
);
console.log(`  compile once:                 ${compileMs.toFixed(1)} ms`);
console.log(
  `  ${count} evaluations:           ${(times[Math.floor(times.length / 2)] ?? 0).toFixed(1)} ms (target: under 50 ms); first run ${(times.at(-1) ?? 0).toFixed(1)} ms at most`,
);
console.log(`  results: ${[...tally].map(([status, n]) => `${n} ${status}`).join(', ')}`);
