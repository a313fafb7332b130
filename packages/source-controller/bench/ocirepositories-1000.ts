// Benchmark: 1,000 OCIRepositories, each on its own small artifact in the local registry (Debian's docker-registry),
// reconciled by bin/source-controller as its own process on a private control plane. Prints the time from creation
// to all Ready, the controller's peak RSS, and then reconciles all of them unchanged a few times, counting the blob
// and manifest GETs the registry logged (target: none; only HEADs).
// Run: node packages/source-controller/bench/ocirepositories-1000.ts [--count=1000] [--cycles=2] [--concurrent=10] [--heap-snapshot]
import { readFile } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { type OCIRepository, installCrds, SourceApiVersion, SourceGroup } from '@fluxion/api';
import { createClient, RegistryClient } from '@fluxion/runtime';
import {
  forEachLine,
  formatSeconds as seconds,
  freePort,
  inBatches,
  isReady,
  isReadyAfterRequest,
  LogTail,
  median,
  numberFlag,
  peakRssMiB,
  reconcileRequest,
  pushBenchArtifacts,
  benchOciRepositorySpec,
  startControlPlane,
  startOciRegistry,
  waitForAll as waitForAllObjects,
} from '@fluxion/testenv';
import { type BenchController, startBenchController } from './bench-controller.ts';

const count = numberFlag('count', 1000);
const cycles = numberFlag('cycles', 2);
const concurrent = numberFlag('concurrent', 10);
const namespace = 'bench';
const gvk = { group: SourceGroup, version: 'v1', kind: 'OCIRepository' };

console.log(`ocirepositories-${count}: starting a control plane and a registry...`);
const controlPlane = await startControlPlane();
const registry = await startOciRegistry();
let controller: BenchController | undefined;
let failed = false;
try {
  const kubeConfig = controlPlane.kubeConfig();
  await installCrds(kubeConfig);
  const client = createClient({ kubeConfig, qps: 500, burst: 1000 });
  await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
  const pusher = new RegistryClient({ registry: registry.host, insecure: true });
  const pushStarted = performance.now();
  const revisions = await pushBenchArtifacts(pusher, count);
  pusher.close();
  console.log(
    `${count} artifacts pushed in ${seconds(performance.now() - pushStarted)}; starting bin/source-controller (--concurrent=${concurrent})`,
  );

  const metricsPort = await freePort();
  const logs = new LogTail();
  controller = await startBenchController({
    kubeconfigPath: controlPlane.kubeconfigPath,
    namespace,
    concurrent,
    logLevel: 'info',
    // as the Dockerfile runs it: 8 MiB semi-spaces
    nodeArgs: [
      '--max-semi-space-size=8',
      ...(process.argv.includes('--heap-snapshot') ? ['--heapsnapshot-signal=SIGUSR2'] : []),
    ],
    metricsAddress: `127.0.0.1:${metricsPort}`,
  });
  forEachLine(controller.process.stderr, (line) => logs.append(line));
  const pid = controller.pid;

  const blobGetsBefore = await registryGets('/blobs/');
  const created = performance.now();
  await inBatches(
    count,
    (i) =>
      client.create<OCIRepository>({
        apiVersion: SourceApiVersion,
        kind: 'OCIRepository',
        metadata: { name: `app-${i}`, namespace },
        spec: benchOciRepositorySpec(registry.host, i),
      }),
    50,
  );
  await waitForAll(
    (repository, i) => isReady(repository) && repository.status?.artifact?.revision === revisions[i],
    'Ready',
    created,
  );
  const firstReadyMs = performance.now() - created;
  const peakAfterCreate = await peakRssMiB(pid);
  console.log(
    `all ${count} Ready in ${seconds(firstReadyMs)} (${(await registryGets('/blobs/')) - blobGetsBefore} blob GETs)`,
  );

  if (process.argv.includes('--heap-snapshot')) {
    // node writes Heap.<date>.<pid>.heapsnapshot into the current directory
    process.kill(pid, 'SIGUSR2');
    console.log(`asked bin/source-controller (pid ${pid}) for a heap snapshot in ${process.cwd()}`);
    await delay(20_000);
  }
  const cycleTimes: number[] = [];
  const perCycle: Array<{ blobGets: number; manifestGets: number; manifestHeads: number }> = [];
  for (let cycle = 1; cycle <= cycles; cycle++) {
    const before = {
      blobGets: await registryGets('/blobs/'),
      manifestGets: await registryGets('/manifests/'),
      manifestHeads: await registryRequests('HEAD', '/manifests/'),
    };
    const token = `bench-cycle-${cycle}-${Date.now()}`;
    const began = performance.now();
    await inBatches(
      count,
      (i) =>
        client.patch(
          { apiVersion: SourceApiVersion, kind: 'OCIRepository', namespace, name: `app-${i}` },
          reconcileRequest(token),
          'merge',
        ),
      50,
    );
    await waitForAll((repository) => isReadyAfterRequest(repository, token), `handled ${token}`, began);
    cycleTimes.push(performance.now() - began);
    const counts = {
      blobGets: (await registryGets('/blobs/')) - before.blobGets,
      manifestGets: (await registryGets('/manifests/')) - before.manifestGets,
      manifestHeads: (await registryRequests('HEAD', '/manifests/')) - before.manifestHeads,
    };
    perCycle.push(counts);
    console.log(
      `unchanged cycle ${cycle}/${cycles}: ${seconds(cycleTimes.at(-1)!)}, ${counts.manifestHeads} manifest HEADs, ${counts.manifestGets} manifest GETs, ${counts.blobGets} blob GETs`,
    );
  }
  const peak = Math.max(peakAfterCreate, await peakRssMiB(pid));
  // what of the RSS is live JavaScript heap, as the controller's own /metrics reports it
  const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  const gauge = (name: string): number =>
    Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(metrics)?.[1] ?? NaN) / 1024 / 1024;

  console.log('');
  console.log(`${count} OCIRepositories, each its own artifact (--concurrent=${concurrent}):`);
  console.log(`  creation to all Ready            ${seconds(firstReadyMs)} (target 60 s; Flux publishes 85 s)`);
  console.log(
    `  controller peak RSS              ${peak.toFixed(0)} MB (Flux publishes 67 MiB; node --max-semi-space-size=8)`,
  );
  console.log(
    `  controller heap at the end       ${gauge('nodejs_heap_size_used_bytes').toFixed(0)} MB used of ${gauge('nodejs_heap_size_total_bytes').toFixed(0)} MB, RSS now ${gauge('process_resident_memory_bytes').toFixed(0)} MB`,
  );
  if (cycles > 0)
    console.log(
      `  unchanged reconcile, per cycle   ${seconds(median(cycleTimes))} (median of ${cycles}; ${cycleTimes.map(seconds).join(', ')})`,
    );
  console.log(
    `  blob GETs in unchanged cycles    ${perCycle.reduce((sum, c) => sum + c.blobGets, 0)} (manifest GETs ${perCycle.reduce((sum, c) => sum + c.manifestGets, 0)}; target 0)`,
  );
  if (perCycle.some((c) => c.blobGets !== 0 || c.manifestGets !== 0)) {
    console.log('  FAILED: an unchanged artifact was downloaded again');
    failed = true;
  }

  async function waitForAll(
    done: (repository: OCIRepository, index: number) => boolean,
    what: string,
    since: number,
  ): Promise<void> {
    const list = async () => (await client.list<OCIRepository>(gvk, { namespace })).items;
    const doneAt = (item: OCIRepository) => done(item, Number(item.metadata?.name?.slice('app-'.length)));
    await waitForAllObjects({ list, count, done: doneAt, what, since, log: logs });
  }
} catch (error) {
  console.error(error);
  failed = true;
} finally {
  await controller?.stop();
  await registry.stop();
  await controlPlane.stop();
}
process.exit(failed ? 1 : 0);

async function registryRequests(method: string, fragment: string): Promise<number> {
  const log = await readFile(registry.logFile, 'utf8');
  let found = 0;
  for (const line of log.split('\n')) if (line.includes(`"${method} /v2/`) && line.includes(fragment)) found++;
  return found;
}

function registryGets(fragment: string): Promise<number> {
  return registryRequests('GET', fragment);
}
