// `make bench-vs-flux`: Fluxion's controllers and Flux's (built from their Go modules) one after the other on one
// private control plane, shape by shape, with the same flags; prints a table per shape with Fluxion, Flux and the
// ratio (Fluxion / Flux), and with --write-docs puts the tables into docs/benchmarks.md.
// Usage: node scripts/flux/bench-vs-flux.ts [--count=1000] [--gitrepositories=100] [--ocirepositories=1000]
//        [--helmreleases=100] [--concurrent=20] [--source-concurrent=4] [--oci-concurrent=10] [--helm-concurrent=10]
//        [--latency-samples=10] [--only=kustomizations,gitrepositories,ocirepositories,helmreleases,idle]
//        [--write-docs] [--no-flux]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { findHelmBinary, freePort, startControlPlane } from '@fluxion/testenv';
import { createClient } from '../../packages/runtime/src/index.ts';
import { AuditCounts, auditFlags, describePerObject, total, WRITE_VERBS, writeAuditPolicy } from './audit-counts.ts';
import {
  emptyNamespace,
  reconcileRequestsRow,
  requestReconcile,
  swapCrds,
  until,
  untilAllWatched,
} from './cluster-steps.ts';
import {
  assertRunning,
  buildFlux,
  bundleOurControllers,
  CONTROLLERS,
  crdsFor,
  fluxCanRun,
  startController,
  type ControllerName,
  type FluxBuild,
  type RunningController,
  type Side,
} from './controllers.ts';
import { gitRepositories } from './git-repositories.ts';
import { helmReleases } from './helm-releases.ts';
import { idle } from './idle.ts';
import { kustomizations } from './kustomizations.ts';
import { ociRepositories } from './oci-repositories.ts';
import { loadAverage, resetPeakRss, TreePeak, treeCpuSeconds, untilIdle } from './process-stats.ts';
import { renderReport, updateBenchmarksDoc, type Row, type Shape } from './report.ts';
import { selectShapes } from './shape-selection.ts';
import type { Figures, Phase, ShapeContext, Toolkit } from './shape-context.ts';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '1000' },
    gitrepositories: { type: 'string', default: '100' },
    ocirepositories: { type: 'string', default: '1000' },
    helmreleases: { type: 'string', default: '100' },
    concurrent: { type: 'string', default: '20' },
    'source-concurrent': { type: 'string', default: '4' },
    'oci-concurrent': { type: 'string', default: '10' },
    'helm-concurrent': { type: 'string', default: '10' },
    qps: { type: 'string', default: '500' },
    burst: { type: 'string', default: '1000' },
    'latency-samples': { type: 'string', default: '10' },
    only: { type: 'string' },
    'write-docs': { type: 'boolean', default: false },
    /** Fluxion's side only (to shake the bench out while Flux's controllers build). */
    'no-flux': { type: 'boolean', default: false },
  },
});
const namespace = 'bench';
const log = (text: string) => process.stderr.write(`[bench-vs-flux] ${text}\n`);
/** Every kind a shape creates: their finalizers are stripped when the namespace is emptied. */
const KINDS = [
  { group: 'kustomize.toolkit.fluxcd.io', version: 'v1', kind: 'Kustomization' },
  { group: 'source.toolkit.fluxcd.io', version: 'v1', kind: 'GitRepository' },
  { group: 'source.toolkit.fluxcd.io', version: 'v1', kind: 'OCIRepository' },
  { group: 'source.toolkit.fluxcd.io', version: 'v1', kind: 'HelmRepository' },
  { group: 'source.toolkit.fluxcd.io', version: 'v1', kind: 'HelmChart' },
  { group: 'helm.toolkit.fluxcd.io', version: 'v2', kind: 'HelmRelease' },
];
type Results = Record<Side, Figures>;

/** The shapes in the order they run, each with the controllers both sides need for it. */
const SHAPES: Array<{ shape: string; controllers: readonly ControllerName[]; run: (sides: Side[]) => Promise<void> }> =
  [
    {
      shape: 'kustomizations',
      controllers: ['kustomize-controller'],
      run: (sides) =>
        context.forEachSide(sides, 'kustomizations', (side) =>
          kustomizations(context, side, Number(values.count), Number(values['latency-samples'])),
        ),
    },
    {
      shape: 'gitrepositories',
      controllers: ['source-controller'],
      run: (sides) =>
        context.forEachSide(sides, 'gitrepositories', (side) =>
          gitRepositories(context, side, Number(values.gitrepositories)),
        ),
    },
    {
      shape: 'ocirepositories',
      controllers: ['source-controller'],
      run: (sides) => ociRepositories(context, sides, Number(values.ocirepositories), Number(values['oci-concurrent'])),
    },
    {
      shape: 'helmreleases',
      controllers: ['source-controller', 'helm-controller'],
      run: (sides) => helmReleases(context, sides, Number(values.helmreleases)),
    },
    // Flux's side of each controller that was built; the others are named in the report's failures
    { shape: 'idle', controllers: [], run: (sides) => idle(context, sides) },
  ];
const { selected: groups, unknown } = selectShapes(SHAPES, values.only);
if (unknown.length > 0) {
  log(`unknown --only ${unknown.join(', ')}: pick from ${SHAPES.map(({ shape }) => shape).join(', ')}`);
  process.exit(2);
}
const fluxNames = [
  ...new Set(groups.flatMap(({ shape, controllers }) => (shape === 'idle' ? CONTROLLERS : controllers))),
];
const flux: FluxBuild = values['no-flux']
  ? { binaries: {}, crdDirs: {}, failures: ["Flux's side skipped (--no-flux)"] }
  : buildFlux(fluxNames);
for (const failure of flux.failures) log(failure);
await bundleOurControllers(fluxNames);

const work = mkdtempSync(join(tmpdir(), 'bench-vs-flux-'));
const auditLog = join(work, 'audit.log');
writeAuditPolicy(join(work, 'audit-policy.yaml'));
const loads: number[] = [loadAverage()];
const started = new Date();
log(`starting a full control plane with an audit log (load average ${loads[0]})`);
const controlPlane = await startControlPlane({
  full: true,
  extraApiServerArgs: auditFlags(join(work, 'audit-policy.yaml'), auditLog),
});
const client = createClient({
  kubeconfigPath: controlPlane.kubeconfigPath,
  qps: 1000,
  burst: 2000,
  userAgent: 'fluxion-bench',
});
const audit = new AuditCounts(auditLog);
const results: Record<string, Results> = {};
const failures: string[] = [...flux.failures];
let status = 0;
const running = new Set<RunningController>();
let crdsInstalled: Side | undefined;

/** The flags a controller needs beyond the shared ones, per side: helm's binary, listen addresses, storage. */
async function extraArgs(side: Side, name: ControllerName): Promise<string[]> {
  switch (name) {
    case 'helm-controller':
      // as helm-controller's scale bench runs it: the cached helm v4, a helm home of its own
      // helm-controller finds its SDK helper (make setup builds it) as its image does; helm stays the fallback
      return side === 'fluxion' ? [`--helm-path=${findHelmBinary()}`, `--helm-home=${join(work, 'helm-home')}`] : [];
    case 'notification-controller':
      return [`--events-addr=127.0.0.1:${await freePort()}`, `--receiverAddr=127.0.0.1:${await freePort()}`];
    case 'image-reflector-controller':
      return [`--storage-path=${mkdtempSync(join(work, `${side}-image-reflector-`))}`];
    default:
      return [];
  }
}

const concurrentFlag: Record<ControllerName, string> = {
  'kustomize-controller': values.concurrent,
  'source-controller': values['source-concurrent'],
  'helm-controller': values['helm-concurrent'],
  'notification-controller': values['source-concurrent'],
  'image-reflector-controller': values['source-concurrent'],
  'image-automation-controller': values['source-concurrent'],
};

// Set by SIGINT/SIGTERM: no controller is started after it (the control plane is on its way down).
let interrupted = false;
const withControllers: ShapeContext['withControllers'] = async (side, names, body, concurrent = {}) => {
  if (interrupted) throw new Error('interrupted');
  if (crdsInstalled !== side) {
    crdsInstalled = undefined;
    await swapCrds(client, crdsFor(side, flux));
    crdsInstalled = side;
  }
  await client.apply(
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } },
    { fieldManager: 'fluxion-bench', force: true },
  );
  const storagePath = names.includes('source-controller') ? mkdtempSync(join(work, `${side}-storage-`)) : undefined;
  const measuredName = names.at(-1) as ControllerName;
  // the helpers' requests are theirs, not the measured controller's
  const helpers = names.slice(0, -1);
  const notHelpers = helpers.length > 0 ? new RegExp(`^(${helpers.join('|')})`) : undefined;
  let controller: RunningController | undefined;
  try {
    for (const name of names) {
      const started = startController(side, name, flux, {
        kubeconfigPath: controlPlane.kubeconfigPath,
        concurrent: concurrent[name] ?? Number(concurrentFlag[name]),
        qps: Number(values.qps),
        burst: Number(values.burst),
        ...(storagePath && name === 'source-controller'
          ? { storage: { path: storagePath, port: await freePort() } }
          : {}),
        extraArgs: await extraArgs(side, name),
      });
      running.add(started);
      controller = started;
    }
    const measured = controller as RunningController;
    const what = `${side} ${measuredName}`;
    const measure = async (phaseBody: () => Promise<unknown>): Promise<Phase> => {
      assertRunning(measured, what);
      resetPeakRss(measured.pid);
      audit.sinceLast();
      const cpu = treeCpuSeconds(measured.pid);
      const peak = new TreePeak(measured.pid);
      const began = performance.now();
      try {
        await phaseBody();
      } finally {
        peak.stop();
      }
      const seconds = (performance.now() - began) / 1000;
      assertRunning(measured, what);
      const phase = {
        seconds,
        cpu: treeCpuSeconds(measured.pid) - cpu,
        peakMiB: peak.stop(),
        requests: audit.sinceLast(notHelpers).byKind,
      };
      loads.push(loadAverage());
      return phase;
    };
    await untilIdle(measured.pid);
    assertRunning(measured, what);
    await body(measured, measure);
  } finally {
    for (const started of [...running].reverse()) {
      await started.stop();
      running.delete(started);
    }
    await emptyNamespace(client, namespace, KINDS);
    if (storagePath) rmSync(storagePath, { recursive: true, force: true });
  }
};

const context: ShapeContext = {
  client,
  namespace,
  flux,
  work,
  log,
  fail: (message) => {
    failures.push(message);
    log(`FAILED ${message}`);
    status = 1;
  },
  forEachSide: async (sides, what, run) => {
    for (const side of sides) {
      if (interrupted) return;
      try {
        await run(side);
      } catch (error) {
        // one side failing (a Flux binary that does not start, a timeout) is reported; the other side still runs
        context.fail(`${side} (${what}): ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  },
  withControllers,
  figures: (shape, side) => (results[shape] ??= { fluxion: {}, flux: {} })[side],
  record,
  untilAll: (controller, gvk, count, done, timeoutMs, what) =>
    untilAllWatched(client, gvk, namespace, count, done, timeoutMs, what, () => assertRunning(controller, what)),
  unchangedCycle: async ({ shape, side, controller, measure }, gvk, names, settled = () => true) => {
    const token = `bench-${Date.now()}`;
    let requestsWritten = 0;
    const phase = await measure(async () => {
      requestsWritten = await requestReconcile(client, gvk, namespace, names, token);
      await context.untilAll<Toolkit>(
        controller,
        gvk,
        names.length,
        (object) => object.status?.lastHandledReconcileAt === token && settled(object),
        60 * 60_000,
        `the unchanged cycle (${side})`,
      );
    });
    const row = record(shape, side, phase, names.length);
    row[reconcileRequestsRow] = requestsWritten;
    return { row, phase };
  },
  until: (controller, check, timeoutMs, what, intervalMs) =>
    until(
      async () => {
        assertRunning(controller, what);
        return check();
      },
      timeoutMs,
      what,
      intervalMs,
    ),
};

function record(shape: string, side: Side, phase: Phase, objects: number): Figures {
  const row = (results[shape] ??= { fluxion: {}, flux: {} })[side];
  row['wall time (s)'] = phase.seconds;
  row['controller CPU (s)'] = phase.cpu;
  row['peak RSS (MiB)'] = phase.peakMiB;
  row['API requests per object'] = total(phase.requests) / objects;
  row['API writes per object'] = total(phase.requests, (verb) => WRITE_VERBS.has(verb)) / objects;
  row['requests (top, per object)'] = describePerObject(phase.requests, objects, 4);
  log(
    `${side}, ${shape}: ${phase.seconds.toFixed(1)} s, CPU ${phase.cpu.toFixed(1)} s, peak RSS ${phase.peakMiB.toFixed(0)} MiB, ${(total(phase.requests) / objects).toFixed(1)} requests per object`,
  );
  return row;
}

/** Prints the tables (and with --write-docs writes them), also for an interrupted run: what was measured so far. */
function printReport(interrupted = false): void {
  const shapes: Shape[] = Object.entries(results).map(([title, bySide]) => ({
    title,
    rows: [...new Set([...Object.keys(bySide.fluxion), ...Object.keys(bySide.flux)])].map((metric): Row => ({
      metric,
      fluxion: bySide.fluxion[metric],
      flux: bySide.flux[metric],
    })),
  }));
  const report = renderReport({
    started,
    command: `node scripts/flux/bench-vs-flux.ts ${process.argv.slice(2).join(' ')}`.trim(),
    loads,
    flags: `--concurrent=${values.concurrent} (kustomize), --concurrent=${values['source-concurrent']} (source; ${values['oci-concurrent']} for OCIRepositories), --concurrent=${values['helm-concurrent']} (helm), --kube-api-qps=${values.qps}, --kube-api-burst=${values.burst}`,
    shapes,
    failures: interrupted ? [...failures, 'interrupted: the shapes after the last table did not run'] : failures,
  });
  console.log(report);
  if (values['write-docs']) {
    updateBenchmarksDoc(join(import.meta.dirname, '../../docs/benchmarks.md'), report);
    log('tables written to docs/benchmarks.md');
  }
}

// Once only: an interrupt and the main flow's `finally` both wait for the same stop, so neither exits half-way.
let stopping: Promise<void> | undefined;
const stopAll = (): Promise<void> =>
  (stopping ??= (async () => {
    for (const controller of running) await controller.stop();
    await controlPlane.stop();
    rmSync(work, { recursive: true, force: true });
  })());
// Interrupted or not, the run leaves no controller and no control plane behind.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    interrupted = true;
    printReport(true);
    void stopAll().finally(() => process.exit(130));
  });
}
process.once('exit', () => {
  for (const controller of running) controller.process.kill('SIGKILL');
});

try {
  for (const { shape, controllers, run } of groups) {
    if (interrupted) break;
    const sides: Side[] = ['fluxion', 'flux'].filter(
      (side) => side === 'fluxion' || shape === 'idle' || fluxCanRun(flux, controllers),
    ) as Side[];
    log(`${shape}: ${sides.join(' then ')}`);
    try {
      await run(sides);
    } catch (error) {
      // one shape failing (a Flux binary that does not start, a timeout) is reported; the bench goes on
      context.fail(`${shape}: ${error instanceof Error ? error.message : String(error)}`);
      for (const controller of running) await controller.stop();
      running.clear();
      await emptyNamespace(client, namespace, KINDS).catch(() => undefined);
    }
  }
} finally {
  await stopAll();
}

// interrupted: the signal handler reports and exits once the stop is done
if (!interrupted) {
  printReport();
  process.exit(status);
}
