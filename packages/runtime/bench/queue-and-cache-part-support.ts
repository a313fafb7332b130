// One measured part of the queue-and-cache benchmark, run in its own process so its peak RSS is its own.
// Run by queue-and-cache.ts: node queue-and-cache-part-support.ts <cache|queue|both> <kubeconfig> <namespace> <count>
import type { V1ConfigMap } from '@kubernetes/client-node';
import { createClient } from '../src/client.ts';
import { Controller, type Reconciler } from '../src/controller.ts';
import { silentLogger } from '../src/logger.ts';
import { RuntimeMetrics } from '../src/metrics.ts';
import { Reflector } from '../src/reflector.ts';

export type PartName = 'cache' | 'queue' | 'both';

/** What a part prints as its one line of JSON on stdout. */
export interface PartReport {
  part: PartName;
  /** Phase name to milliseconds, in the order they ran. */
  phases: Record<string, number>;
  objects: number;
  reconciles: number;
  /** RSS once the runtime (and @kubernetes/client-node) is loaded, before any work: what every controller pays. */
  baselineRssMiB: number;
  peakRssMiB: number;
  heapUsedMiB: number;
}

const configMaps = { group: '', version: 'v1', kind: 'ConfigMap' };
/** The label queue-and-cache.ts puts on the ConfigMaps it creates. */
const benchSelector = 'app.kubernetes.io/part-of=bench';
/** Objects changed after the sync, to show the watch delivers, not only the list. */
const watchedUpdates = 100;

async function measureCache(
  kubeconfigPath: string,
  namespace: string,
  phases: Record<string, number>,
): Promise<Reflector<V1ConfigMap>> {
  const client = createClient({ kubeconfigPath, qps: 500, burst: 1000 });
  const reflector = new Reflector<V1ConfigMap>(client, configMaps, { namespace, labelSelector: benchSelector });
  let started = performance.now();
  reflector.start();
  await reflector.hasSynced();
  phases['list until synced'] = performance.now() - started;

  const names = reflector
    .keys()
    .slice(0, watchedUpdates)
    .map((key) => key.slice(namespace.length + 1));
  started = performance.now();
  await Promise.all(
    names.map((name) =>
      client.patch({ apiVersion: 'v1', kind: 'ConfigMap', namespace, name }, { data: { touched: 'yes' } }, 'merge'),
    ),
  );
  await until(() => names.every((name) => reflector.get(namespace, name)?.data?.['touched'] === 'yes'));
  phases[`${watchedUpdates} updates seen by the watch`] = performance.now() - started;
  return reflector;
}

async function measureQueue(count: number, phases: Record<string, number>): Promise<number> {
  let reconciles = 0;
  const controller = benchController(async () => {
    reconciles++;
  });
  const started = performance.now();
  for (let i = 0; i < count; i++) controller.enqueue({ namespace: 'bench', name: `cm-${i}` });
  controller.start();
  await controller.whenIdle();
  phases[`${count} enqueues reconciled`] = performance.now() - started;
  await controller.stop();
  return reconciles;
}

/** The shape of a real controller: every object the cache lists is enqueued by its handler and reconciled. */
async function measureBoth(
  kubeconfigPath: string,
  namespace: string,
  count: number,
  phases: Record<string, number>,
): Promise<{ objects: number; reconciles: number }> {
  const client = createClient({ kubeconfigPath, qps: 500, burst: 1000 });
  const reflector = new Reflector<V1ConfigMap>(client, configMaps, { namespace, labelSelector: benchSelector });
  let reconciles = 0;
  const controller = benchController(async (key) => {
    // reads come from the cache, as in a real reconcile
    if (reflector.get(key.namespace ?? '', key.name)) reconciles++;
  });
  reflector.onEvent((event) => controller.enqueue({ namespace, name: event.object.metadata?.name ?? '' }));
  const started = performance.now();
  controller.start();
  reflector.start();
  await reflector.hasSynced();
  await until(() => reconciles >= count);
  await controller.whenIdle();
  phases['list, watch and reconcile every object'] = performance.now() - started;
  await controller.stop();
  await reflector.stop();
  return { objects: reflector.size, reconciles };
}

/** A controller as the Manager makes one: Flux's default 4 workers, with metrics, logging nothing. */
function benchController(reconcile: Reconciler): Controller {
  return new Controller({
    name: 'bench',
    kind: 'ConfigMap',
    logger: silentLogger(),
    metrics: new RuntimeMetrics(),
    reconcile,
  });
}

async function until(check: () => boolean, timeoutMs = 120_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`benchmark condition not reached within ${timeoutMs}ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const mib = (bytes: number): number => Math.round((bytes / 1024 / 1024) * 10) / 10;

async function main(): Promise<void> {
  const baselineRssMiB = mib(process.memoryUsage().rss);
  const [part, kubeconfigPath = '', namespace = '', countText = '10000'] = process.argv.slice(2);
  const count = Number(countText);
  const phases: Record<string, number> = {};
  let objects = 0;
  let reconciles = 0;
  let reflector: Reflector<V1ConfigMap> | undefined;
  if (part === 'cache') {
    reflector = await measureCache(kubeconfigPath, namespace, phases);
    objects = reflector.size;
  } else if (part === 'queue') {
    reconciles = await measureQueue(count, phases);
  } else if (part === 'both') {
    ({ objects, reconciles } = await measureBoth(kubeconfigPath, namespace, count, phases));
  } else {
    throw new Error(`unknown part "${part}": expected cache, queue or both`);
  }
  const report: PartReport = {
    part: part as PartName,
    phases,
    objects,
    reconciles,
    baselineRssMiB,
    // maxRSS is in KiB
    peakRssMiB: Math.round((process.resourceUsage().maxRSS / 1024) * 10) / 10,
    heapUsedMiB: mib(process.memoryUsage().heapUsed),
  };
  await reflector?.stop();
  process.stdout.write(`${JSON.stringify(report)}\n`);
  process.exit(0);
}

if (import.meta.main) await main();
