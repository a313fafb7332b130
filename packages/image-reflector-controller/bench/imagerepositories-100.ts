// Benchmark: 100 ImageRepositories of 1,000 tags each (10 pages of 100), scanned by bin/image-reflector-controller as
// its own process on a private control plane. Prints the time from creation to all scanned, the controller's peak
// RSS, then waits for a rescan of every repository with the tags unchanged and counts the registry requests it made
// and the writes it caused (ImageRepository updates and Events; target 0 writes).
// Run: node packages/image-reflector-controller/bench/imagerepositories-100.ts [--count=100] [--tags=1000] [--concurrent=4]
import { spawn } from 'node:child_process';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { type ImageRepository, ImageApiVersion, ImageGroup, installCrds } from '@fluxion/api';
import { createClient } from '@fluxion/runtime';
import {
  forEachLine,
  formatSeconds as seconds,
  LogTail,
  numberFlag,
  peakRssMiB,
  startControlPlane,
  stopProcess,
  waitForAll as waitForAllObjects,
} from '@fluxion/testenv';
import type { CoreV1Event } from '@kubernetes/client-node';
import { startTagServer } from './tag-server-support.ts';

const count = numberFlag('count', 100);
const tagCount = numberFlag('tags', 1000);
const concurrent = numberFlag('concurrent', 4);
const intervalSeconds = 30;
const namespace = 'bench';
const binary = fileURLToPath(new URL('../bin/image-reflector-controller', import.meta.url));
const gvk = { group: ImageGroup, version: 'v1', kind: 'ImageRepository' };

console.log(`imagerepositories-${count}: starting a control plane and a tag server...`);
const controlPlane = await startControlPlane();
const tagServer = await startTagServer();
let controller: ReturnType<typeof spawn> | undefined;
let failed = false;
try {
  const kubeConfig = controlPlane.kubeConfig();
  await installCrds(kubeConfig);
  const client = createClient({ kubeConfig, qps: 500, burst: 1000 });
  await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
  for (let i = 0; i < count; i++) {
    tagServer.setTags(
      `apps/app-${i}`,
      Array.from({ length: tagCount }, (_, t) => `${Math.floor(t / 100)}.${t % 100}.${i}`),
    );
  }
  const logs = new LogTail();
  controller = spawn(
    process.execPath,
    [
      '--max-semi-space-size=8',
      binary,
      `--kubeconfig=${controlPlane.kubeconfigPath}`,
      '--metrics-addr=0',
      '--health-addr=0',
      `--concurrent=${concurrent}`,
      '--watch-all-namespaces=false',
      '--kube-api-qps=500',
      '--kube-api-burst=1000',
    ],
    { env: { ...process.env, RUNTIME_NAMESPACE: namespace }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  forEachLine(controller.stderr, (line) => logs.append(line));
  const pid = controller.pid!;
  console.log(
    `${count} repositories of ${tagCount} tags served; bin/image-reflector-controller started (--concurrent=${concurrent})`,
  );

  const created = performance.now();
  for (let i = 0; i < count; i++) {
    await client.create<ImageRepository>({
      apiVersion: ImageApiVersion,
      kind: 'ImageRepository',
      metadata: { name: `app-${i}`, namespace },
      spec: { image: `${tagServer.host}/apps/app-${i}`, insecure: true, interval: `${intervalSeconds}s` },
    });
  }
  await waitForAll((repository) => repository.status?.lastScanResult?.tagCount === tagCount, 'scanned', created);
  const scannedMs = performance.now() - created;
  const requestsFirst = tagServer.requests;
  console.log(`all ${count} scanned in ${seconds(scannedMs)} (${requestsFirst} registry requests)`);

  // The unchanged rescan: every repository scanned once more at its interval, with the same tags.
  const before = await snapshot();
  const hitsBefore = Array.from({ length: count }, (_, i) => tagServer.requestsOf(`apps/app-${i}`));
  const rescanStarted = performance.now();
  for (;;) {
    const rescanned = hitsBefore.filter(
      (hits, i) => tagServer.requestsOf(`apps/app-${i}`) >= hits + Math.ceil(tagCount / 100),
    ).length;
    if (rescanned === count) break;
    if (performance.now() - rescanStarted > (intervalSeconds * 3 + 60) * 1000)
      throw new Error(`only ${rescanned}/${count} rescanned; log tail:\n${logs.text}`);
    await delay(500);
  }
  // Let the last scans finish writing, if they were going to.
  await delay(2_000);
  const after = await snapshot();
  const requestsRescan = tagServer.requests - requestsFirst;
  const writes = [...after.resourceVersions].filter(
    ([name, version]) => before.resourceVersions.get(name) !== version,
  ).length;
  const events = after.events - before.events;
  const peak = await peakRssMiB(pid);

  console.log('');
  console.log(`${count} ImageRepositories x ${tagCount} tags (pages of 100, --concurrent=${concurrent}):`);
  console.log(`  creation to all scanned           ${seconds(scannedMs)}`);
  console.log(`  controller peak RSS               ${peak.toFixed(0)} MB`);
  console.log(`  first scan: registry requests     ${requestsFirst}`);
  console.log(
    `  unchanged rescan: requests        ${requestsRescan} (${(requestsRescan / count).toFixed(1)} per repository)`,
  );
  console.log(`  unchanged rescan: writes          ${writes} ImageRepository updates, ${events} Events (target 0)`);
  if (writes + events > 0) {
    console.log('  FAILED: an unchanged rescan wrote to the API server');
    failed = true;
  }

  async function snapshot(): Promise<{ resourceVersions: Map<string, string>; events: number }> {
    const { items } = await client.list<ImageRepository>(gvk, { namespace });
    const listed = await client.list<CoreV1Event>({ group: '', version: 'v1', kind: 'Event' }, { namespace });
    return {
      resourceVersions: new Map(items.map((item) => [item.metadata!.name!, item.metadata!.resourceVersion!])),
      events: listed.items.reduce((sum, event) => sum + (event.count ?? 1), 0),
    };
  }

  async function waitForAll(
    done: (repository: ImageRepository) => boolean,
    what: string,
    since: number,
  ): Promise<void> {
    const list = async () => (await client.list<ImageRepository>(gvk, { namespace })).items;
    await waitForAllObjects({ list, count, done, what, since, log: logs });
  }
} catch (error) {
  console.error(error);
  failed = true;
} finally {
  await stopProcess(controller);
  await tagServer.stop();
  await controlPlane.stop();
}
process.exit(failed ? 1 : 0);
