// Benchmark: 10,000 ConfigMaps listed and watched by the Reflector, 10,000 enqueues reconciled by a no-op reconciler.
// Each part runs in its own process, so time and peak RSS are its own. Target: each under 5 s and 150 MiB over
// the RSS of a process that has only loaded the runtime (that baseline is printed too).
// Run: node packages/runtime/bench/queue-and-cache.ts [--objects=10000] [--kubeconfig=<an existing control plane>]
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { V1ConfigMap } from '@kubernetes/client-node';
import { startControlPlane } from '@fluxion/testenv';
import { isAlreadyExists } from '../src/api-error.ts';
import { createClient } from '../src/client.ts';
import { loadKubeConfig } from '../src/kube-config.ts';
import type { PartName, PartReport } from './queue-and-cache-part-support.ts';

const argument = (name: string): string | undefined =>
  process.argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
const objectCount = Number(argument('objects') ?? 10_000);
const existingKubeconfig = argument('kubeconfig');
const targetSeconds = 5;
const targetMiB = 150;
const namespace = 'bench';
const createConcurrency = 64;

console.log(
  `queue-and-cache: ${objectCount} ConfigMaps; ${existingKubeconfig ? `control plane of ${existingKubeconfig}` : 'starting a control plane...'}`,
);
const controlPlane = existingKubeconfig
  ? {
      kubeconfigPath: existingKubeconfig,
      kubeConfig: () => loadKubeConfig({ kubeconfigPath: existingKubeconfig }),
      stop: async () => {},
    }
  : await startControlPlane();
const reports: PartReport[] = [];
try {
  await createConfigMaps();
  for (const part of ['cache', 'queue', 'both'] as const) {
    const report = await runPart(part);
    reports.push(report);
    const phases = Object.entries(report.phases)
      .map(([phase, ms]) => `${phase} ${seconds(ms)}`)
      .join(', ');
    console.log(
      `  ${part}: ${phases}; peak RSS ${report.peakRssMiB} MiB (${report.baselineRssMiB} MiB before any work)`,
    );
  }
} finally {
  await controlPlane.stop();
}

const failures: string[] = [];
console.log('');
console.log('part   what                                                  time     peak RSS   baseline   added');
for (const report of reports) {
  const totalMs = Object.values(report.phases).reduce((sum, ms) => sum + ms, 0);
  const addedMiB = Math.round((report.peakRssMiB - report.baselineRssMiB) * 10) / 10;
  const mibColumn = (value: number): string => `${value} MiB`.padStart(10);
  console.log(
    `${report.part.padEnd(6)} ${describe(report).padEnd(53)} ${seconds(totalMs).padStart(7)} ${mibColumn(report.peakRssMiB)} ${mibColumn(report.baselineRssMiB)} ${mibColumn(addedMiB)}`,
  );
  if (totalMs > targetSeconds * 1000) failures.push(`${report.part}: ${seconds(totalMs)} is over ${targetSeconds} s`);
  if (report.peakRssMiB > targetMiB)
    failures.push(`${report.part}: peak RSS ${report.peakRssMiB} MiB is over ${targetMiB} MiB`);
  if (report.part !== 'queue' && report.objects !== objectCount)
    failures.push(`${report.part}: the cache holds ${report.objects} of ${objectCount} objects`);
  if (report.part !== 'cache' && report.reconciles < objectCount)
    failures.push(`${report.part}: ${report.reconciles} of ${objectCount} keys reconciled`);
}
if (failures.length > 0) {
  console.log(`FAILED (target: each part under ${targetSeconds} s and ${targetMiB} MiB):\n  ${failures.join('\n  ')}`);
  process.exitCode = 1;
} else {
  console.log(
    `OK: every part under ${targetSeconds} s with a peak RSS under ${targetMiB} MiB (node --max-semi-space-size=8, as the controllers run)`,
  );
}

function describe(report: PartReport): string {
  if (report.part === 'cache') return `${report.objects} objects listed, watched, 100 updates seen`;
  if (report.part === 'queue') return `${report.reconciles} enqueues, no-op reconciler, 4 workers`;
  return `${report.objects} objects cached, each enqueued and reconciled`;
}

async function createConfigMaps(): Promise<void> {
  const client = createClient({ kubeConfig: controlPlane.kubeConfig(), qps: 5000, burst: 5000 });
  await client
    .create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } })
    .catch((error: unknown) => {
      if (!isAlreadyExists(error)) throw error;
    });
  // a reused control plane may hold them already
  const existing = await client.list(
    { group: '', version: 'v1', kind: 'ConfigMap' },
    { namespace, labelSelector: 'app.kubernetes.io/part-of=bench' },
  );
  const started = performance.now();
  let next = existing.items.length;
  let created = next;
  const worker = async (): Promise<void> => {
    while (next < objectCount) {
      const index = next++;
      const configMap: V1ConfigMap = {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {
          name: `cm-${String(index).padStart(5, '0')}`,
          namespace,
          labels: { 'app.kubernetes.io/part-of': 'bench' },
        },
        data: { index: String(index), payload: 'x'.repeat(128) },
      };
      await client.create(configMap);
      created++;
      if (created % 2500 === 0)
        console.log(`  created ${created}/${objectCount} ConfigMaps (${seconds(performance.now() - started)})`);
    }
  };
  await Promise.all(Array.from({ length: createConcurrency }, worker));
}

async function runPart(part: PartName): Promise<PartReport> {
  const script = join(import.meta.dirname, 'queue-and-cache-part-support.ts');
  // Run as the controllers' Dockerfiles run them: 8 MiB semi-spaces keep the young heap from ballooning.
  const nodeFlags = ['--max-semi-space-size=8'];
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [...nodeFlags, script, part, controlPlane.kubeconfigPath, namespace, String(objectCount)],
    {
      maxBuffer: 1 << 20,
    },
  );
  const line = stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(line) as PartReport;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}
