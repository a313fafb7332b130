// Flux's helm scale benchmark shape: N HelmReleases of a small chart (a Service, a ConfigMap and a Deployment scaled
// to 0) against a real control plane, with helm-controller as its own process running the real helm 4. Prints: time
// to all Ready; peak RSS of the controller plus every helm (and post-renderer) process it runs, summed; CPU seconds of
// all of them; an unchanged cycle (new Helm revisions and writes to release objects, target 0).
// Usage: node packages/helm-controller/bench/helmreleases-scale.ts [--count 1000] [--concurrent 10] [--helm-concurrency 4]
//   [--engine sdk|cli]
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { HelmRelease } from '@fluxion/api';
import { installCrds } from '@fluxion/api';
import { createClient, type KubeClient } from '@fluxion/runtime';
import {
  benchCluster,
  findHelmBinary,
  isReady,
  mapLimit,
  pollUntil,
  progress,
  reconcileRequest,
  sha256Digest,
  startStaticServer,
} from '@fluxion/testenv';
import { packageChart } from '../test/support/charts.ts';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '1000' },
    concurrent: { type: 'string', default: '10' },
    'helm-concurrency': { type: 'string', default: '4' },
    // sdk: the controller's default, fluxion-helm-helper; cli: a helm process per action
    engine: { type: 'string', default: 'sdk' },
    kubeconfig: { type: 'string' },
  },
});
const count = Number(values.count);
const namespace = 'bench';
const clockTicks = 100;

async function main(): Promise<void> {
  const { kubeconfigPath, kubeConfig, controlPlane } = await benchCluster(values.kubeconfig);
  const client = createClient({ kubeconfigPath, qps: 1000, burst: 2000 });
  await installCrds(kubeConfig);
  await client.apply(
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } },
    { fieldManager: 'bench', force: true },
  );
  const scratch = await mkdtemp(join(tmpdir(), 'hc-bench-'));
  const server = await startStaticServer(scratch);
  let controller: ChildProcess | undefined;
  let sampler: NodeJS.Timeout | undefined;
  try {
    const archive = await packageChart({ version: '1.0.0' });
    await writeFile(join(scratch, 'small-1.0.0.tgz'), archive);
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    await client.apply(
      {
        apiVersion: 'source.toolkit.fluxcd.io/v1',
        kind: 'HelmChart',
        metadata: { name: 'small', namespace },
        spec: { chart: 'small', version: '*', sourceRef: { kind: 'HelmRepository', name: 'charts' }, interval: '1h' },
      },
      { fieldManager: 'bench', force: true },
    );
    await client.apply(
      {
        apiVersion: 'source.toolkit.fluxcd.io/v1',
        kind: 'HelmChart',
        metadata: { name: 'small', namespace },
        status: {
          artifact: {
            path: 'small-1.0.0.tgz',
            url: `${server.url}/small-1.0.0.tgz`,
            revision: '1.0.0',
            digest: sha256Digest(archive),
            lastUpdateTime: now,
            size: archive.length,
          },
          conditions: [
            { type: 'Ready', status: 'True', reason: 'ChartPullSucceeded', message: 'pulled', lastTransitionTime: now },
          ],
        },
      },
      { fieldManager: 'source-controller', force: true, subresource: 'status' },
    );
    controller = spawn(
      process.execPath,
      [
        '--max-semi-space-size=8',
        join(import.meta.dirname, '../bin/helm-controller'),
        `--concurrent=${values.concurrent}`,
        `--helm-concurrency=${values['helm-concurrency']}`,
        `--helm-path=${findHelmBinary()}`,
        ...(values.engine === 'cli' ? ['--helm-helper-path='] : []),
        `--helm-home=${join(scratch, 'helm-home')}`,
        '--kube-api-qps=500',
        '--kube-api-burst=1000',
        '--metrics-addr=0',
        '--health-addr=0',
        '--log-level=error',
      ],
      { env: { ...process.env, KUBECONFIG: kubeconfigPath }, stdio: ['ignore', 'ignore', 'inherit'] },
    );
    const pid = controller.pid ?? 0;
    const tree = new ProcessTreeSampler(pid);
    sampler = setInterval(() => void tree.sample(), 100);

    // 1. creation to all Ready
    const started = performance.now();
    const names = Array.from({ length: count }, (_, index) => `app-${String(index).padStart(4, '0')}`);
    await mapLimit(names, 32, (name) =>
      client.apply(
        {
          apiVersion: 'helm.toolkit.fluxcd.io/v2',
          kind: 'HelmRelease',
          metadata: { name, namespace },
          spec: { interval: '1h', chartRef: { kind: 'HelmChart', name: 'small' }, values: { message: name } },
        },
        { fieldManager: 'bench', force: true },
      ),
    );
    await pollUntil(
      'all HelmReleases Ready',
      async () => {
        const ready = (await listReleases(client)).filter(isReady).length;
        progress(
          `${ready}/${count} Ready after ${((performance.now() - started) / 1000).toFixed(0)} s; peak RSS so far ${tree.peakMiB.toFixed(0)} MiB (${tree.peakProcesses} processes)`,
        );
        return ready === count;
      },
      60 * 60_000,
      1000,
    );
    const allReadySeconds = (performance.now() - started) / 1000;
    await tree.sample();
    const cpuAfterCreate = await tree.cpuSeconds();
    const splitAfterCreate = await tree.cpuSplit();
    const peakAfterCreate = tree.peakMiB;
    progress('');
    console.log(
      `first sync of ${count}: all Ready in ${allReadySeconds.toFixed(1)} s, peak RSS ${peakAfterCreate.toFixed(0)} MiB, ${cpuAfterCreate.toFixed(1)} CPU s`,
    );

    // 2. the unchanged fleet, reconciled again: no new Helm revision, no write to the release's objects
    const secretsBefore = await helmSecretNames(client);
    const objectsBefore = await objectResourceVersions(client);
    const requestedAt = new Date().toISOString();
    const cycleStarted = performance.now();
    await mapLimit(names, 32, (name) =>
      client.patch(
        { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', namespace, name },
        reconcileRequest(requestedAt),
        'merge',
      ),
    );
    await pollUntil(
      'the unchanged cycle',
      async () => {
        const handled = (await listReleases(client)).filter(
          (hr) => hr.status?.lastHandledReconcileAt === requestedAt,
        ).length;
        progress(`unchanged cycle: ${handled}/${count} reconciled`);
        return handled === count;
      },
      30 * 60_000,
      1000,
    );
    const cycleSeconds = (performance.now() - cycleStarted) / 1000;
    const secretsAfter = await helmSecretNames(client);
    const objectsAfter = await objectResourceVersions(client);
    const newRevisions = [...secretsAfter].filter((name) => !secretsBefore.has(name)).length;
    const written = [...objectsBefore].filter(([key, version]) => objectsAfter.get(key) !== version).length;
    const cpuCycle = (await tree.cpuSeconds()) - cpuAfterCreate;
    progress('');
    console.log(
      `helm-controller scale benchmark (${count} HelmReleases x 3 objects, --concurrent=${values.concurrent}, --helm-concurrency=${values['helm-concurrency']}, ${values.engine === 'cli' ? 'a helm process per action' : 'fluxion-helm-helper'}, 2 cores shared with the control plane)`,
    );
    console.log(
      `  creation to all Ready:        ${allReadySeconds.toFixed(1)} s (target < 300 s for 1,000; Flux: 8m12s on 16 cores)`,
    );
    console.log(
      `  peak RSS, controller + helm:  ${peakAfterCreate.toFixed(0)} MiB summed over up to ${tree.peakProcesses} processes (Flux: 400 MiB)`,
    );
    console.log(
      `  CPU, controller + helm:       ${cpuAfterCreate.toFixed(1)} s for the first sync (${((cpuAfterCreate / count) * 1000).toFixed(0)} ms per release: controller ${((splitAfterCreate.own / count) * 1000).toFixed(0)} ms, helm and post-renderer ${((splitAfterCreate.children / count) * 1000).toFixed(0)} ms)`,
    );
    console.log(
      `  unchanged cycle:              ${cycleSeconds.toFixed(1)} s, ${cpuCycle.toFixed(1)} CPU s, ${newRevisions} new Helm revisions, ${written} of ${objectsBefore.size} release objects written (target 0 and 0)`,
    );
  } finally {
    if (sampler) clearInterval(sampler);
    controller?.kill('SIGTERM');
    await server.stop();
    await rm(scratch, { recursive: true, force: true });
    await controlPlane?.stop();
  }
}

/** Samples the RSS of a process and all its descendants (helm, the post-renderer), summed; CPU from /proc. */
class ProcessTreeSampler {
  peakMiB = 0;
  peakProcesses = 0;
  private readonly root: number;
  private sampling = false;

  constructor(root: number) {
    this.root = root;
  }

  async sample(): Promise<void> {
    // one sample at a time: on a loaded machine a sample can outlast the interval
    if (this.sampling) return;
    this.sampling = true;
    try {
      const pids = await this.descendants(this.root);
      let kib = 0;
      for (const pid of pids) {
        const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
        kib += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      }
      if (kib / 1024 > this.peakMiB) this.peakMiB = kib / 1024;
      if (pids.length > this.peakProcesses) this.peakProcesses = pids.length;
    } finally {
      this.sampling = false;
    }
  }

  /** utime+stime of the controller plus cutime+cstime: every helm process it has reaped, and theirs. */
  async cpuSeconds(): Promise<number> {
    const { own, children } = await this.cpuSplit();
    return own + children;
  }

  /** The controller's own CPU; children: reaped ones (helm processes) plus live ones (the SDK helper) and theirs. */
  async cpuSplit(): Promise<{ own: number; children: number }> {
    const root = await cpuOf(this.root);
    let live = 0;
    for (const pid of (await this.descendants(this.root)).slice(1)) {
      const child = await cpuOf(pid);
      live += child.own + child.children;
    }
    return { own: root.own, children: root.children + live };
  }

  /** The process and its descendants, from the kernel's children lists (cheap: no scan of /proc). */
  private async descendants(pid: number): Promise<number[]> {
    const children = (await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => ''))
      .split(' ')
      .filter(Boolean)
      .map(Number);
    const below = await Promise.all(children.map((child) => this.descendants(child)));
    return [pid, ...below.flat()];
  }
}

async function cpuOf(pid: number): Promise<{ own: number; children: number }> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  if (!stat) return { own: 0, children: 0 };
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const sum = (indexes: number[]) =>
    indexes.reduce((total, index) => total + Number(fields[index] ?? 0), 0) / clockTicks;
  return { own: sum([11, 12]), children: sum([13, 14]) };
}

async function listReleases(client: KubeClient): Promise<HelmRelease[]> {
  return (
    await client.list<HelmRelease>(
      { group: 'helm.toolkit.fluxcd.io', version: 'v2', kind: 'HelmRelease' },
      { namespace },
    )
  ).items;
}

async function helmSecretNames(client: KubeClient): Promise<Set<string>> {
  const { items } = await client.list(
    { group: '', version: 'v1', kind: 'Secret' },
    { namespace, labelSelector: 'owner=helm' },
  );
  return new Set(items.map((item) => item.metadata?.name ?? ''));
}

async function objectResourceVersions(client: KubeClient): Promise<Map<string, string>> {
  const versions = new Map<string, string>();
  for (const gvk of [
    { group: '', version: 'v1', kind: 'Service' },
    { group: '', version: 'v1', kind: 'ConfigMap' },
    { group: 'apps', version: 'v1', kind: 'Deployment' },
  ]) {
    const { items } = await client.list(gvk, { namespace, labelSelector: 'helm.toolkit.fluxcd.io/name' });
    for (const item of items) versions.set(`${gvk.kind}/${item.metadata?.name}`, item.metadata?.resourceVersion ?? '');
  }
  return versions;
}

await main();
