// Flux's scale benchmark shape: N Kustomizations, each applying a ServiceAccount, a Service, a ConfigMap and a Deployment
// scaled to 0, against a real control plane, with kustomize-controller as its own process. Prints: time to all Ready and
// the controller's peak RSS; an unchanged full cycle (writes to applied objects, time); new revision → applied (p50).
// Usage: node packages/kustomize-controller/bench/kustomizations-scale.ts [--count 1000] [--concurrent 20] [--kubeconfig path]
//        [--node-flags '--max-semi-space-size=8'] (KC_PROF=1 writes a CPU profile of the controller to /tmp/kc-prof)
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { KubernetesObject } from '@kubernetes/client-node';
import type { Kustomization } from '@fluxion/api';
import { installCrds } from '@fluxion/api';
import { createClient, type KubeClient } from '@fluxion/runtime';
import {
  benchCluster,
  isReady,
  mapLimit,
  peakRssMiB,
  progress,
  reconcileRequest,
  startStaticServer,
} from '@fluxion/testenv';
import { appliedResourceVersions, benchAppManifests, configMapColor, publishBenchSource } from './bench-source.ts';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '1000' },
    /** The controller's own default when not given. */
    concurrent: { type: 'string' },
    kubeconfig: { type: 'string' },
    /** Node flags for the controller process, as the Dockerfile's entrypoint gives them. */
    'node-flags': { type: 'string', default: '--max-semi-space-size=8' },
    'latency-samples': { type: 'string', default: '20' },
  },
});
const count = Number(values.count);
const namespace = 'bench';

async function main(): Promise<void> {
  const { kubeconfigPath, kubeConfig, controlPlane } = await benchCluster(values.kubeconfig);
  const client = createClient({ kubeconfigPath, qps: 1000, burst: 2000 });
  await installCrds(kubeConfig);
  await client.apply(
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } },
    { fieldManager: 'bench', force: true },
  );
  const artifactDir = await mkdtemp(join(tmpdir(), 'kc-bench-'));
  const server = await startStaticServer(artifactDir);
  let controller: ChildProcess | undefined;
  try {
    const home = { client, namespace, artifactDir, serverUrl: server.url, fieldManager: 'bench' };
    const publish = (source: string, files: Record<string, string>) => publishBenchSource(home, source, files);
    const revision = await publish('fleet', benchAppManifests('blue'));

    const countsFile = join(artifactDir, 'request-counts.json');
    controller = spawn(
      process.execPath,
      [
        ...(values['node-flags'] ?? '').split(' ').filter(Boolean),
        ...(process.env['KC_PROF'] ? ['--cpu-prof', '--cpu-prof-dir=/tmp/kc-prof'] : []),
        '--import',
        join(import.meta.dirname, 'request-counter.ts'),
        join(import.meta.dirname, '../bin/kustomize-controller'),
        ...(values.concurrent ? [`--concurrent=${values.concurrent}`] : []),
        '--kube-api-qps=500',
        '--kube-api-burst=1000',
        '--metrics-addr=0',
        '--health-addr=0',
        '--log-level=error',
      ],
      {
        env: { ...process.env, KUBECONFIG: kubeconfigPath, KC_REQUEST_COUNTS: countsFile },
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    const pid = controller.pid ?? 0;
    const requests = new RequestCounts(pid, countsFile);

    // 1. creation to all Ready
    const started = performance.now();
    const names = Array.from({ length: count }, (_, index) => `app-${String(index).padStart(4, '0')}`);
    await mapLimit(names, 32, (name) =>
      client.apply(
        {
          apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
          kind: 'Kustomization',
          metadata: { name, namespace },
          spec: {
            interval: '1h',
            prune: true,
            wait: true,
            timeout: '5m',
            path: './app',
            namePrefix: `${name}-`,
            targetNamespace: namespace,
            sourceRef: { kind: 'GitRepository', name: 'fleet' },
          },
        } as KubernetesObject,
        { fieldManager: 'bench', force: true },
      ),
    );
    const createdIn = (performance.now() - started) / 1000;
    await until(async () => {
      const ready = (await listKustomizations(client)).filter((ks) => isReadyAt(ks, revision)).length;
      progress(
        `${ready}/${count} Ready after ${((performance.now() - started) / 1000).toFixed(0)} s (created in ${createdIn.toFixed(1)} s)`,
      );
      return ready === count;
    }, 30 * 60_000);
    const allReadySeconds = (performance.now() - started) / 1000;
    const peakAfterCreate = await peakRssMiB(pid);
    const creationRequests = await requests.sinceLast();
    const memoryAfterCreate = requests.memory;
    progress('');
    console.log(
      `first sync of ${count}: all Ready in ${allReadySeconds.toFixed(1)} s, peak RSS ${peakAfterCreate.toFixed(0)} MiB`,
    );

    // 2. the unchanged fleet, reconciled again: zero writes to applied objects
    const before = await appliedResourceVersions(client, namespace);
    const requestedAt = new Date().toISOString();
    const cycleStarted = performance.now();
    await mapLimit(names, 32, (name) =>
      client.patch(
        { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', namespace, name },
        reconcileRequest(requestedAt),
        'merge',
      ),
    );
    await until(async () => {
      const handled = (await listKustomizations(client)).filter(
        (ks) => ks.status?.lastHandledReconcileAt === requestedAt,
      ).length;
      progress(`steady-state cycle: ${handled}/${count} reconciled`);
      return handled === count;
    }, 30 * 60_000);
    const cycleSeconds = (performance.now() - cycleStarted) / 1000;
    const after = await appliedResourceVersions(client, namespace);
    const changed = [...before].filter(([key, resourceVersion]) => after.get(key) !== resourceVersion).length;
    const cycleRequests = await requests.sinceLast();

    // 3. latency: a new revision of one Kustomization's own source to its objects applied
    await publish('single', benchAppManifests('v0'));
    await client.apply(
      {
        apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
        kind: 'Kustomization',
        metadata: { name: 'single', namespace },
        spec: {
          interval: '1h',
          prune: true,
          path: './app',
          namePrefix: 'single-',
          targetNamespace: namespace,
          sourceRef: { kind: 'GitRepository', name: 'single' },
        },
      } as KubernetesObject,
      { fieldManager: 'bench', force: true },
    );
    await until(async () => (await configMapColor(client, namespace, 'single-app')) === 'v0', 120_000);
    const latencies: number[] = [];
    const samples = Number(values['latency-samples']);
    for (let sample = 1; sample <= samples; sample++) {
      const color = `v${sample}`;
      const publishedAt = performance.now();
      await publish('single', benchAppManifests(color));
      await until(async () => (await configMapColor(client, namespace, 'single-app')) === color, 60_000, 10);
      latencies.push(performance.now() - publishedAt);
      progress(`latency sample ${sample}/${samples}`);
    }
    latencies.sort((a, b) => a - b);
    const peak = await peakRssMiB(pid);
    progress('');

    console.log(
      `kustomize-controller scale benchmark (${count} Kustomizations x 4 objects, --concurrent=${values.concurrent ?? 'default'}, 2 cores shared with the control plane)`,
    );
    console.log(
      `  creation to all Ready:        ${allReadySeconds.toFixed(1)} s (target < 120 s; Flux: 256 s on 16 cores)`,
    );
    console.log(
      `  controller peak RSS:          ${peakAfterCreate.toFixed(0)} MiB after the first sync, ${peak.toFixed(0)} MiB overall (target < 200 MiB; Flux: 175 MiB)`,
    );
    console.log(
      `  unchanged full cycle:         ${cycleSeconds.toFixed(1)} s, ${changed} of ${before.size} applied objects written (target 0)`,
    );
    console.log(
      `  new revision -> applied:      p50 ${percentile(latencies, 0.5).toFixed(0)} ms, p90 ${percentile(latencies, 0.9).toFixed(0)} ms over ${samples} revisions (target p50 < 1000 ms)`,
    );
    console.log(
      `  controller memory after the first sync (MiB): ${Object.entries(memoryAfterCreate)
        .map(([key, value]) => `${key} ${value}`)
        .join(', ')}`,
    );
    console.log(`  API requests per Kustomization, first sync: ${describeRequests(creationRequests, count)}`);
    console.log(`  API requests per Kustomization, unchanged cycle: ${describeRequests(cycleRequests, count)}`);
  } finally {
    controller?.kill('SIGTERM');
    await server.stop();
    await rm(artifactDir, { recursive: true, force: true });
    await controlPlane?.stop();
  }
}

/** The controller's API requests by verb and resource, read from the counter preloaded into it (bench/request-counter.ts). */
class RequestCounts {
  private readonly pid: number;
  private readonly file: string;
  private snapshot = 0;
  private last = new Map<string, number>();
  /** The controller's memory (MiB) at the last read: RSS, heap, and V8's spaces. */
  memory: Record<string, number> = {};

  constructor(pid: number, file: string) {
    this.pid = pid;
    this.file = file;
  }

  /** Requests made since the previous call. */
  async sinceLast(): Promise<Map<string, number>> {
    process.kill(this.pid, 'SIGUSR2');
    let counts: Record<string, number> = {};
    await until(
      async () => {
        const written = JSON.parse(await readFile(this.file, 'utf8').catch(() => '{}')) as {
          snapshot?: number;
          counts?: Record<string, number>;
          memory?: Record<string, number>;
        };
        if ((written.snapshot ?? 0) <= this.snapshot) return false;
        this.snapshot = written.snapshot ?? 0;
        this.memory = written.memory ?? {};
        counts = written.counts ?? {};
        return true;
      },
      10_000,
      50,
    );
    const delta = new Map(
      Object.entries(counts)
        .map(([key, value]) => [key, value - (this.last.get(key) ?? 0)] as const)
        .filter(([, value]) => value > 0),
    );
    this.last = new Map(Object.entries(counts));
    return delta;
  }
}

function describeRequests(counts: Map<string, number>, perCount: number): string {
  const total = [...counts.values()].reduce((sum, value) => sum + value, 0);
  const top = [...counts].sort((a, b) => b[1] - a[1]).map(([key, value]) => `${key} ${(value / perCount).toFixed(2)}`);
  return `${(total / perCount).toFixed(1)} (${top.join(', ')})`;
}

function isReadyAt(kustomization: Kustomization, revision: string): boolean {
  return kustomization.status?.lastAppliedRevision === revision && isReady(kustomization);
}

async function listKustomizations(client: KubeClient): Promise<Kustomization[]> {
  return (
    await client.list<Kustomization>(
      { group: 'kustomize.toolkit.fluxcd.io', version: 'v1', kind: 'Kustomization' },
      { namespace },
    )
  ).items;
}

async function until(check: () => Promise<boolean>, timeoutMs: number, intervalMs = 1000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('benchmark step timed out');
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

function percentile(sorted: readonly number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? Number.NaN;
}

await main();
