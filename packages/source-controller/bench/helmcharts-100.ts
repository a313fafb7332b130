// Benchmark: 100 HelmCharts from one HelmRepository of 100 charts (packaged and indexed by the real helm), reconciled
// by bin/source-controller as its own process on a private control plane. Prints the time from creation to all
// Ready, the controller's peak RSS, and index parses and chart downloads: the index must be parsed once per
// revision (not once per chart), unchanged cycles must download no chart, and a new index revision that moves one
// chart must download that chart only.
// Run: node packages/source-controller/bench/helmcharts-100.ts [--count=100] [--cycles=3] [--concurrent=4]
import { setTimeout as delay } from 'node:timers/promises';
import { type HelmChart, type HelmRepository, installCrds, SourceApiVersion, SourceGroup } from '@fluxion/api';
import { createClient } from '@fluxion/runtime';
import {
  forEachLine,
  formatSeconds as seconds,
  inBatches,
  isReady,
  isReadyAfterRequest,
  LogTail,
  median,
  numberFlag,
  peakRssMiB,
  reconcileRequest,
  startControlPlane,
  startHelmRepository,
  waitForAll as waitForAllObjects,
} from '@fluxion/testenv';
import { type BenchController, startBenchController } from './bench-controller.ts';

const count = numberFlag('count', 100);
const cycles = numberFlag('cycles', 3);
const concurrent = numberFlag('concurrent', 4);
const namespace = 'bench';
const chartGvk = { group: SourceGroup, version: 'v1', kind: 'HelmChart' };

console.log(`helmcharts-${count}: packaging ${count} charts with helm, starting a control plane...`);
const packagingStarted = performance.now();
const repository = await startHelmRepository(
  Array.from({ length: count }, (_, i) => ({ name: `chart-${i}`, version: '1.0.0' })),
);
console.log(`  ${count} charts packaged and indexed by helm in ${seconds(performance.now() - packagingStarted)}`);
const controlPlane = await startControlPlane();
let controller: BenchController | undefined;
let failed = false;
try {
  const kubeConfig = controlPlane.kubeConfig();
  await installCrds(kubeConfig);
  const client = createClient({ kubeConfig, qps: 500, burst: 1000 });
  await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });

  const logs = new LogTail();
  const counters = { parses: 0, stored: 0 };
  // HelmChart reconcile durations as the controller itself measures them (its debug line per reconcile).
  const reconcileSeconds: number[] = [];
  controller = await startBenchController({
    kubeconfigPath: controlPlane.kubeconfigPath,
    namespace,
    concurrent,
    logLevel: 'debug',
  });
  forEachLine(controller.process.stderr, (line) => {
    if (line.includes('"msg":"Parsed a Helm repository index"')) counters.parses++;
    else if (line.includes('"msg":"Stored a new chart"')) counters.stored++;
    else if (line.includes('"msg":"Reconcile finished"')) {
      if (line.includes('"kind":"HelmChart"'))
        reconcileSeconds.push((JSON.parse(line) as { durationSeconds: number }).durationSeconds);
    } else logs.append(line);
  });
  const pid = controller.pid;

  const created = performance.now();
  await client.create<HelmRepository>({
    apiVersion: SourceApiVersion,
    kind: 'HelmRepository',
    metadata: { name: 'charts', namespace },
    spec: { url: repository.url, interval: '1h' },
  });
  for (let i = 0; i < count; i++) {
    await client.create<HelmChart>({
      apiVersion: SourceApiVersion,
      kind: 'HelmChart',
      metadata: { name: `chart-${i}`, namespace },
      spec: {
        chart: `chart-${i}`,
        version: '*',
        interval: '1h',
        sourceRef: { kind: 'HelmRepository', name: 'charts' },
      },
    });
  }
  await waitForAll((chart) => isReady(chart), 'Ready', created);
  const firstReadyMs = performance.now() - created;
  const first = { ...counters };
  const firstReconciles = reconcileSeconds.splice(0);
  console.log(
    `all ${count} Ready in ${seconds(firstReadyMs)}; ${first.parses} index parse(s), ${first.stored} charts stored`,
  );

  const cycleTimes: number[] = [];
  const cycleCounts: Array<{ parses: number; stored: number }> = [];
  const cycleReconciles: number[] = [];
  for (let cycle = 1; cycle <= cycles; cycle++) {
    const before = { ...counters };
    const token = `bench-cycle-${cycle}-${Date.now()}`;
    const began = performance.now();
    await inBatches(count, (i) =>
      client.patch(
        { apiVersion: SourceApiVersion, kind: 'HelmChart', namespace, name: `chart-${i}` },
        reconcileRequest(token),
        'merge',
      ),
    );
    await waitForAll((chart) => isReadyAfterRequest(chart, token), `handled ${token}`, began);
    cycleTimes.push(performance.now() - began);
    cycleReconciles.push(...reconcileSeconds.splice(0));
    cycleCounts.push({ parses: counters.parses - before.parses, stored: counters.stored - before.stored });
    console.log(
      `unchanged cycle ${cycle}/${cycles}: ${seconds(cycleTimes.at(-1)!)}, ${cycleCounts.at(-1)!.parses} parses, ${cycleCounts.at(-1)!.stored} charts stored`,
    );
  }

  // A new index revision (one chart gets 1.1.0) re-queues all 100 charts: one parse, one chart pulled.
  const beforeNewIndex = { ...counters };
  const newIndexBegan = performance.now();
  await repository.addCharts([{ name: 'chart-0', version: '1.1.0' }]);
  await client.patch(
    { apiVersion: SourceApiVersion, kind: 'HelmRepository', namespace, name: 'charts' },
    reconcileRequest(`new-index-${Date.now()}`),
    'merge',
  );
  await waitForAll(
    (chart) => isReady(chart) && (chart.metadata?.name !== 'chart-0' || chart.status?.artifact?.revision === '1.1.0'),
    'chart-0 at 1.1.0',
    newIndexBegan,
  );
  // Every chart of the repository is re-queued by the new index; give them a moment to report, then count.
  await delay(2_000);
  const newIndex = { parses: counters.parses - beforeNewIndex.parses, stored: counters.stored - beforeNewIndex.stored };
  const newIndexMs = performance.now() - newIndexBegan - 2_000;
  const peak = await peakRssMiB(pid);

  console.log('');
  console.log(`${count} HelmCharts from one HelmRepository of ${count} charts (--concurrent=${concurrent}):`);
  console.log(
    `  creation to all Ready            ${seconds(firstReadyMs)} (${first.parses} index parse(s), ${first.stored} charts pulled)`,
  );
  console.log(`  controller peak RSS              ${peak.toFixed(0)} MB`);
  console.log(
    `  unchanged cycle (100 requests)   ${seconds(median(cycleTimes))} median of ${cycles} (${cycleTimes.map(seconds).join(', ')})`,
  );
  console.log(
    `  one reconcile, first (pull)      median ${seconds(median(firstReconciles) * 1000)} over ${firstReconciles.length}`,
  );
  console.log(
    `  one reconcile, unchanged         median ${seconds(median(cycleReconciles) * 1000)} over ${cycleReconciles.length}`,
  );
  console.log(
    `  parses / pulls, unchanged        ${cycleCounts.map((c) => `${c.parses}/${c.stored}`).join(', ')} (target 0/0)`,
  );
  console.log(
    `  new index revision               ${seconds(newIndexMs)} to chart-0 at 1.1.0; ${newIndex.parses} parse(s), ${newIndex.stored} chart(s) pulled (target 1/1)`,
  );
  if (
    first.parses > 1 ||
    cycleCounts.some((c) => c.parses !== 0 || c.stored !== 0) ||
    newIndex.parses !== 1 ||
    newIndex.stored !== 1
  ) {
    console.log('  FAILED: the index was parsed more than once per revision, or an unchanged chart was pulled again');
    failed = true;
  }

  async function waitForAll(done: (chart: HelmChart) => boolean, what: string, since: number): Promise<void> {
    const list = async () => (await client.list<HelmChart>(chartGvk, { namespace })).items;
    await waitForAllObjects({ list, count, done, what, since, log: logs });
  }
} catch (error) {
  console.error(error);
  failed = true;
} finally {
  await controller?.stop();
  await repository.stop();
  await controlPlane.stop();
}
process.exit(failed ? 1 : 0);
