// Benchmark: 100 GitRepositories, each on its own repository on the local git HTTP server, reconciled by
// bin/source-controller as its own process on a private control plane. Prints the time from creation to all Ready,
// the controller's peak RSS and CPU seconds (its git children included), and then reconciles the same 100 unchanged
// again (no clone expected) a few times, counting the git HTTP requests each cycle makes.
// Run: node packages/source-controller/bench/gitrepositories-100.ts [--count=100] [--cycles=3] [--concurrent=4]
import { type GitRepository, installCrds, SourceApiVersion, SourceGroup } from '@fluxion/api';
import { createClient } from '@fluxion/runtime';
import {
  cpuSeconds,
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
  startGitHttpServer,
  waitForAll as waitForAllObjects,
} from '@fluxion/testenv';
import { type BenchController, startBenchController } from './bench-controller.ts';

const count = numberFlag('count', 100);
const cycles = numberFlag('cycles', 3);
const concurrent = numberFlag('concurrent', 4);
const namespace = 'bench';
const gvk = { group: SourceGroup, version: 'v1', kind: 'GitRepository' };

console.log(`gitrepositories-${count}: starting a control plane and a git server...`);
const controlPlane = await startControlPlane();
const server = await startGitHttpServer();
let controller: BenchController | undefined;
let failed = false;
try {
  const kubeConfig = controlPlane.kubeConfig();
  await installCrds(kubeConfig);
  const client = createClient({ kubeConfig, qps: 500, burst: 1000 });
  await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
  for (let i = 0; i < count; i++) {
    server.repositories.create(`repo-${i}`);
    server.repositories.commit(`repo-${i}`, {
      'deploy/app.yaml': `kind: ConfigMap\nmetadata:\n  name: app-${i}\n`,
      'README.md': `repository ${i}\n`,
    });
  }
  console.log(`${count} repositories committed; starting bin/source-controller (--concurrent=${concurrent})`);

  const logs = new LogTail();
  // Reconcile durations as the controller itself measures them (its debug line per reconcile).
  const reconcileSeconds: number[] = [];
  controller = await startBenchController({
    kubeconfigPath: controlPlane.kubeconfigPath,
    namespace,
    concurrent,
    logLevel: 'debug',
  });
  forEachLine(controller.process.stderr, (line) => {
    if (line.includes('"msg":"Reconcile finished"'))
      reconcileSeconds.push((JSON.parse(line) as { durationSeconds: number }).durationSeconds);
    else logs.append(line);
  });
  const pid = controller.pid;

  const created = performance.now();
  for (let i = 0; i < count; i++) {
    await client.create<GitRepository>({
      apiVersion: SourceApiVersion,
      kind: 'GitRepository',
      metadata: { name: `repo-${i}`, namespace },
      spec: { url: server.urlOf(`repo-${i}`), interval: '1h', ref: { branch: 'main' } },
    });
  }
  await waitForAll((repository) => isReady(repository), 'Ready', created);
  const firstReconciles = reconcileSeconds.splice(0);
  const firstReadyMs = performance.now() - created;
  const firstCpu = cpuSeconds(pid);
  const peakAfterCreate = await peakRssMiB(pid);
  console.log(`all ${count} Ready in ${seconds(firstReadyMs)}`);

  const cycleTimes: number[] = [];
  const perCycle: Array<{ lsRemotes: number; clones: number; requests: number }> = [];
  const cycleReconciles: number[] = [];
  for (let cycle = 1; cycle <= cycles; cycle++) {
    const requestsBefore = server.requests.length;
    const token = `bench-cycle-${cycle}-${Date.now()}`;
    const began = performance.now();
    await inBatches(count, (i) =>
      client.patch(
        { apiVersion: SourceApiVersion, kind: 'GitRepository', namespace, name: `repo-${i}` },
        reconcileRequest(token),
        'merge',
      ),
    );
    await waitForAll((repository) => isReadyAfterRequest(repository, token), `handled ${token}`, began);
    cycleTimes.push(performance.now() - began);
    cycleReconciles.push(...reconcileSeconds.splice(0));
    const requests = server.requests.slice(requestsBefore);
    // Every ref listing opens with one GET of info/refs (in-process it is all there is; `git ls-remote` adds a POST
    // under protocol v2), and so does every clone: GETs beyond one per repository are clones.
    const gets = requests.filter(
      (request) => request.method === 'GET' && request.path.endsWith('/info/refs?service=git-upload-pack'),
    ).length;
    const posts = requests.filter(
      (request) => request.method === 'POST' && request.path.endsWith('/git-upload-pack'),
    ).length;
    perCycle.push({ lsRemotes: Math.min(gets, count), clones: gets - count, requests: gets + posts });
    console.log(
      `unchanged cycle ${cycle}/${cycles}: ${seconds(cycleTimes.at(-1)!)}, ${gets} GET info/refs, ${posts} POST upload-pack`,
    );
  }
  const cyclesCpu = cpuSeconds(pid) - firstCpu;
  const peak = Math.max(peakAfterCreate, await peakRssMiB(pid));

  console.log('');
  console.log(`${count} GitRepositories, each on its own repository (--concurrent=${concurrent}):`);
  console.log(`  creation to all Ready            ${seconds(firstReadyMs)}`);
  console.log(`  controller peak RSS              ${peak.toFixed(0)} MB`);
  console.log(`  controller CPU, to all Ready     ${firstCpu.toFixed(2)} s (git processes included)`);
  console.log(`  controller CPU, unchanged cycle  ${(cyclesCpu / cycles).toFixed(2)} s (mean of ${cycles})`);
  console.log(
    `  git HTTP requests per repository, unchanged cycle  ${(median(perCycle.map((cycle) => cycle.requests)) / count).toFixed(2)}`,
  );
  console.log(
    `  unchanged reconcile, per cycle   ${seconds(median(cycleTimes))} (median of ${cycles}; ${cycleTimes.map(seconds).join(', ')})`,
  );
  console.log(
    `  one reconcile, first (clone)      median ${seconds(median(firstReconciles) * 1000)} over ${firstReconciles.length}`,
  );
  console.log(
    `  one reconcile, unchanged         median ${seconds(median(cycleReconciles) * 1000)} over ${cycleReconciles.length}`,
  );
  console.log(
    `  clones in unchanged cycles       ${perCycle.reduce((sum, cycle) => sum + cycle.clones, 0)} (ls-remote per cycle: ${perCycle.map((cycle) => cycle.lsRemotes).join(', ')})`,
  );
  if (perCycle.some((cycle) => cycle.clones !== 0)) {
    console.log('  FAILED: an unchanged repository was cloned again');
    failed = true;
  }

  async function waitForAll(done: (repository: GitRepository) => boolean, what: string, since: number): Promise<void> {
    const list = async () => (await client.list<GitRepository>(gvk, { namespace })).items;
    await waitForAllObjects({ list, count, done, what, since, log: logs });
  }
} catch (error) {
  console.error(error);
  failed = true;
} finally {
  await controller?.stop();
  await server.stop();
  await controlPlane.stop();
}
process.exit(failed ? 1 : 0);
