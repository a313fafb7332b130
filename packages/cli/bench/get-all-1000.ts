// Benchmark: `fluxion get all -A` with 1,000 Kustomizations (target < 1 s), and start-up of `fluxion --help` (< 200 ms).
// Run: node packages/cli/bench/get-all-1000.ts [--runs=5]; also times the real flux CLI on the same cluster when built.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus, homedir, loadavg } from 'node:os';
import { join } from 'node:path';
import { installCrds } from '@fluxion/api';
import { createClient } from '@fluxion/runtime';
import { median, startControlPlane } from '@fluxion/testenv';

const runsArg = process.argv.find((arg) => arg.startsWith('--runs='));
const runs = runsArg ? Number(runsArg.split('=')[1]) : 5;
const objectCount = 1000;
const fluxion = join(import.meta.dirname, '..', 'bin', 'fluxion');
const flux = join(process.env['FLUXION_CACHE'] ?? join(homedir(), '.cache', 'fluxion'), 'flux', 'v2.9.5', 'flux');

// CPU time (user+sys) is reported next to wall time: on a shared machine the wall clock mostly measures the neighbours.
const timeBinary = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

function timeCommand(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): { ms: number; cpuMs: number; stdout: string; status: number | null } {
  const started = performance.now();
  const [program, programArgs] = timeBinary ? [timeBinary, ['-f', 'cpu %U %S', command, ...args]] : [command, args];
  const result = spawnSync(program, programArgs, {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const cpu = /cpu (\d+\.\d+) (\d+\.\d+)\s*$/.exec(result.stderr);
  const cpuMs = cpu ? (Number(cpu[1]) + Number(cpu[2])) * 1000 : Number.NaN;
  return { ms: performance.now() - started, cpuMs, stdout: result.stdout, status: result.status };
}

const summary = (times: number[]): string => `${median(times).toFixed(0)} ms`;
timeCommand(fluxion, ['--help']); // fills the compile cache, as any earlier run would have
const help = Array.from({ length: 10 }, () => timeCommand(fluxion, ['--help']));
console.log(
  `fluxion --help: median wall ${summary(help.map((run) => run.ms))}, cpu ${summary(help.map((run) => run.cpuMs))} over 10 runs ` +
    `(target < 200 ms; load average ${loadavg()[0]?.toFixed(1)} on ${cpus().length} cores)`,
);

console.log(`get-all-1000: ${objectCount} Kustomizations, ${runs} runs; starting a control plane...`);
const controlPlane = await startControlPlane();
const failures: string[] = [];
try {
  await installCrds(controlPlane.kubeConfig());
  const client = createClient({ kubeconfigPath: controlPlane.kubeconfigPath, qps: 500, burst: 1000 });
  const namespace = 'bench-get';
  await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const revision = `main@sha1:${'a'.repeat(40)}`;
  const seeded = performance.now();
  for (let start = 0; start < objectCount; start += 50) {
    await Promise.all(
      Array.from({ length: Math.min(50, objectCount - start) }, async (_, offset) => {
        const name = `app-${String(start + offset).padStart(4, '0')}`;
        const ref = { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', name, namespace };
        await client.create({
          apiVersion: ref.apiVersion,
          kind: ref.kind,
          metadata: { name, namespace },
          spec: {
            interval: '10m',
            path: `./apps/${name}`,
            prune: true,
            sourceRef: { kind: 'GitRepository', name: 'fleet' },
          },
        });
        // a status as kustomize-controller writes it, so the table has revisions and messages to print
        await client.patch(
          ref,
          {
            status: {
              observedGeneration: 1,
              lastAppliedRevision: revision,
              conditions: [
                {
                  type: 'Ready',
                  status: 'True',
                  reason: 'ReconciliationSucceeded',
                  message: `Applied revision: ${revision}`,
                  lastTransitionTime: now,
                  observedGeneration: 1,
                },
              ],
            },
          },
          'merge',
          { subresource: 'status' },
        );
      }),
    );
  }
  console.log(`  seeded in ${((performance.now() - seeded) / 1000).toFixed(1)} s`);

  const env = { KUBECONFIG: controlPlane.kubeconfigPath };
  const measure = (label: string, command: string, args: string[]): void => {
    const times: number[] = [];
    const cpuTimes: number[] = [];
    for (let run = 0; run < runs; run++) {
      const result = timeCommand(command, args, env);
      const rows = result.stdout.split('\n').filter((line) => line.includes('kustomization/app-')).length;
      if (result.status !== 0 || rows !== objectCount)
        failures.push(`${label}: exit ${result.status}, ${rows} of ${objectCount} Kustomization rows`);
      times.push(result.ms);
      cpuTimes.push(result.cpuMs);
    }
    console.log(
      `  ${label}: median wall ${(median(times) / 1000).toFixed(3)} s, cpu ${(median(cpuTimes) / 1000).toFixed(3)} s over ${runs} runs ` +
        `(wall ${times.map((ms) => (ms / 1000).toFixed(2)).join(', ')}; load average ${loadavg()[0]?.toFixed(1)})`,
    );
  };
  measure('fluxion get all -A', fluxion, ['get', 'all', '-A']);
  if (existsSync(flux)) measure('flux get all -A (reference)', flux, ['get', 'all', '-A']);
} finally {
  await controlPlane.stop();
}
if (failures.length) {
  console.log(`FAILED:\n  ${failures.join('\n  ')}`);
  process.exit(1);
}
