// Wires the HelmRelease controller: caches with indexes, the triggers that enqueue, and the reconciler.
import type { HelmChart, HelmRelease, HelmReleaseStatus, Kustomization } from '@fluxion/api';
import {
  EventRecorder,
  HealthWaits,
  Reflector,
  StatusPatcher,
  WrittenStatuses,
  type Controller,
  type KubeClient,
  type Logger,
  type Manager,
} from '@fluxion/runtime';
import { ChartArtifacts } from './chart-artifact.ts';
import { helmChartKeyOf } from './chart-source.ts';
import { dependencyKeys } from './dependencies.ts';
import { HelmCli, type HelmRunner } from './helm-cli.ts';
import { HelmHelper } from './helm-helper.ts';
import { HelmReleaseReconciler, type HelmReleaseReconcilerOptions } from './helmrelease-reconciler.ts';
import { artifactChanged, becameReady, needsReconcile } from './triggers.ts';

export const ControllerName = 'helm-controller';

export interface HelmReleaseControllerOptions extends HelmReleaseReconcilerOptions {
  client: KubeClient;
  logger: Logger;
  concurrency: number;
  minRetryDelayMs?: number;
  maxRetryDelayMs?: number;
  helmPath: string;
  /** fluxion-helm-helper (Helm's SDK in one process); the helm CLI, a process per action, when undefined. */
  helperPath?: string | undefined;
  kubeApiQps?: number;
  kubeApiBurst?: number;
  /** Where helm keeps its cache and config (a writable temp directory). */
  helmHome: string;
  artifactFetchRetries: number;
  /** At most this many helm processes at once. */
  helmConcurrency?: number;
  /** The kubeconfig file helm uses; KUBECONFIG or the in-cluster config when undefined. */
  kubeconfigPath?: string | undefined;
  namespace?: string | undefined;
  labelSelector?: string | undefined;
}

export interface HelmReleaseControllerHandle {
  controller: Controller;
  reconciler: HelmReleaseReconciler;
  helmReleases: Reflector<HelmRelease>;
}

type SourceObject = {
  metadata?: { name?: string; namespace?: string };
  status?: { artifact?: { url?: string; digest?: string; revision?: string } };
};

const byChart = 'by-chart';
const byDependency = 'by-dependency';

export function setupHelmReleaseController(
  manager: Manager,
  options: HelmReleaseControllerOptions,
): HelmReleaseControllerHandle {
  const { client, logger } = options;
  const helmReleases = new Reflector<HelmRelease>(
    client,
    { group: 'helm.toolkit.fluxcd.io', version: 'v2', kind: 'HelmRelease' },
    {
      namespace: options.namespace,
      labelSelector: options.labelSelector,
      logger,
    },
  );
  const helmCharts = new Reflector<HelmChart>(
    client,
    { group: 'source.toolkit.fluxcd.io', version: 'v1', kind: 'HelmChart' },
    { logger },
  );
  const ociRepositories = new Reflector<SourceObject>(
    client,
    { group: 'source.toolkit.fluxcd.io', version: 'v1', kind: 'OCIRepository' },
    { logger },
  );
  const kustomizations = new Reflector<Kustomization>(
    client,
    { group: 'kustomize.toolkit.fluxcd.io', version: 'v1', kind: 'Kustomization' },
    { logger },
  );
  const waits = new HealthWaits();
  const written = new WrittenStatuses<HelmReleaseStatus>();
  const helm = helmRunnerOf(options);
  const artifacts = new ChartArtifacts({ retries: options.artifactFetchRetries });
  const reconciler = new HelmReleaseReconciler({
    client,
    helmReleases,
    dependencies: (kind, namespace, name) =>
      kind === 'Kustomization' ? kustomizations.get(namespace, name) : helmReleases.get(namespace, name),
    sources: { client, helmCharts, ociRepositories, noCrossNamespaceRefs: options.noCrossNamespaceRefs },
    artifacts,
    helm,
    events: new EventRecorder(client, { reportingController: ControllerName }),
    statusPatcher: new StatusPatcher(client, ControllerName),
    written,
    waits,
    options,
  });
  const caches = [helmReleases, helmCharts, ociRepositories, kustomizations];
  const controller = manager.addController({
    name: 'helmrelease',
    kind: 'HelmRelease',
    concurrency: options.concurrency,
    ...(options.minRetryDelayMs ? { minRetryDelayMs: options.minRetryDelayMs } : {}),
    ...(options.maxRetryDelayMs ? { maxRetryDelayMs: options.maxRetryDelayMs } : {}),
    reconcile: async (key, log) => {
      await Promise.all(caches.map((cache) => cache.hasSynced()));
      return reconciler.reconcile(key, log);
    },
  });

  const keyOf = (object: { metadata?: { namespace?: string; name?: string } }) => ({
    namespace: object.metadata?.namespace ?? '',
    name: object.metadata?.name ?? '',
  });
  helmReleases.index(byChart, (hr) => {
    const own = helmChartKeyOf(hr);
    if (own) return [`HelmChart/${own.namespace}/${own.name}`];
    const ref = hr.spec?.chartRef;
    return ref ? [`${ref.kind}/${ref.namespace || hr.metadata?.namespace || ''}/${ref.name}`] : [];
  });
  helmReleases.index(byDependency, (hr) => dependencyKeys(hr));
  helmReleases.onEvent((event) => {
    const key = keyOf(event.object);
    written.observed(`${key.namespace}/${key.name}`, event.type === 'DELETED' ? undefined : event.object);
    if (event.type === 'ADDED') controller.enqueue(key);
    if (event.type === 'MODIFIED' && event.oldObject) {
      if (needsReconcile(event.oldObject, event.object)) {
        waits.cancelIfGenerationChanged(`${key.namespace}/${key.name}`, event.object.metadata?.generation);
        controller.enqueue(key);
      }
      if (becameReady(event.oldObject, event.object)) {
        for (const dependent of helmReleases.byIndex(byDependency, `HelmRelease/${key.namespace}/${key.name}`))
          controller.enqueue(keyOf(dependent));
      }
    }
  });
  kustomizations.onEvent((event) => {
    if (event.type === 'DELETED' || !becameReady(event.oldObject, event.object)) return;
    const key = keyOf(event.object);
    for (const dependent of helmReleases.byIndex(byDependency, `Kustomization/${key.namespace}/${key.name}`))
      controller.enqueue(keyOf(dependent));
  });
  const onSource =
    (kind: string) => (event: { type: string; oldObject?: SourceObject | undefined; object: SourceObject }) => {
      if (event.type !== 'DELETED' && !artifactChanged(event.oldObject, event.object)) return;
      const key = keyOf(event.object);
      const revision = event.object.status?.artifact?.revision;
      for (const hr of helmReleases.byIndex(byChart, `${kind}/${key.namespace}/${key.name}`)) {
        const hrKey = keyOf(hr);
        // a new chart cancels a health wait on the old one
        waits.cancel(
          `${hrKey.namespace}/${hrKey.name}`,
          `new chart artifact ${revision ?? ''} from ${kind}/${key.namespace}/${key.name}`,
        );
        controller.enqueue(hrKey);
      }
    };
  helmCharts.onEvent(onSource('HelmChart'));
  ociRepositories.onEvent(onSource('OCIRepository'));

  manager.addRunnable({ name: 'helmrelease-cache', start: (signal) => helmReleases.start(signal) });
  manager.addRunnable({ name: 'helmchart-cache', start: (signal) => helmCharts.start(signal) });
  manager.addRunnable({ name: 'ocirepository-cache', start: (signal) => ociRepositories.start(signal) });
  manager.addRunnable({ name: 'kustomization-cache', start: (signal) => kustomizations.start(signal) });
  manager.addRunnable({
    name: 'helm-helper',
    start: (signal) =>
      new Promise<void>((resolve) =>
        signal.addEventListener('abort', () => (helm.stop?.(), resolve()), { once: true }),
      ),
  });
  manager.addRunnable({
    name: 'chart-cache-cleanup',
    start: (signal) =>
      new Promise<void>((resolve) =>
        signal.addEventListener('abort', () => void artifacts.clear().finally(resolve), { once: true }),
      ),
  });
  return { controller, reconciler, helmReleases };
}

function helmRunnerOf(options: HelmReleaseControllerOptions): HelmRunner {
  if (options.helperPath)
    return new HelmHelper({
      helperPath: options.helperPath,
      kubeconfigPath: options.kubeconfigPath,
      ...(options.helmConcurrency ? { maxConcurrent: options.helmConcurrency } : {}),
      ...(options.kubeApiQps ? { kubeApiQps: options.kubeApiQps } : {}),
      ...(options.kubeApiBurst ? { kubeApiBurst: options.kubeApiBurst } : {}),
      // helm's warnings can quote chart content: debug, as the CLI's stderr was dropped on success
      onLog: (line) => options.logger.debug({ helper: line }, 'helm helper'),
    });
  return new HelmCli({
    helmPath: options.helmPath,
    homeDir: options.helmHome,
    kubeconfigPath: options.kubeconfigPath,
    ...(options.helmConcurrency ? { maxProcesses: options.helmConcurrency } : {}),
  });
}
