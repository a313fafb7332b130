// Wires the Kustomization controller: watched caches with indexes, the triggers that enqueue, and the reconciler.
import type { Kustomization, KustomizationStatus } from '@fluxion/api';
import {
  EventRecorder,
  Reflector,
  StatusPatcher,
  WrittenStatuses,
  type Controller,
  type KubeClient,
  type Logger,
  type Manager,
} from '@fluxion/runtime';
import { HealthWaits } from '@fluxion/runtime';
import { ClusterClients } from './cluster-clients.ts';
import { dependencyKeys, keyOf } from './dependencies.ts';
import { FieldManager } from './apply-set.ts';
import { KustomizationReconciler, type KustomizationReconcilerOptions } from './kustomization-reconciler.ts';
import { ArtifactCache, BuildCache } from './manifest-cache.ts';
import { SourceIndex, sourceKeyOf, sourceKeyOfObject, type SourceObject } from './source-index.ts';
import { artifactChanged, becameReady, needsReconcile } from './triggers.ts';
import { ownedStatus } from './kustomization-status.ts';

export const ControllerName = 'kustomize-controller';
export const defaultSourceKinds = ['GitRepository', 'OCIRepository', 'Bucket', 'ExternalArtifact'] as const;

export interface KustomizationControllerOptions extends KustomizationReconcilerOptions {
  client: KubeClient;
  logger: Logger;
  concurrency: number;
  minRetryDelayMs?: number;
  maxRetryDelayMs?: number;
  /** `--default-service-account`. */
  defaultServiceAccount: string;
  /** Only Kustomizations in this namespace (`--watch-all-namespaces=false`); all when undefined. */
  namespace?: string | undefined;
  /** `--watch-label-selector`, for sharding. */
  labelSelector?: string | undefined;
  sourceKinds?: readonly string[];
  kubeApiQps?: number;
  kubeApiBurst?: number;
}

export interface KustomizationControllerHandle {
  controller: Controller;
  reconciler: KustomizationReconciler;
  kustomizations: Reflector<Kustomization>;
  sources: SourceIndex;
  waits: HealthWaits;
  artifacts: ArtifactCache;
}

const bySource = 'by-source';
const byDependency = 'by-dependency';

/** Registers the caches and the controller with the manager; they start with it. */
export function setupKustomizationController(
  manager: Manager,
  options: KustomizationControllerOptions,
): KustomizationControllerHandle {
  const { client, logger } = options;
  const kustomizations = new Reflector<Kustomization>(
    client,
    { group: 'kustomize.toolkit.fluxcd.io', version: 'v1', kind: 'Kustomization' },
    {
      namespace: options.namespace,
      labelSelector: options.labelSelector,
      logger,
    },
  );
  const sourceReflectors = new Map<string, Reflector<SourceObject>>();
  for (const kind of options.sourceKinds ?? defaultSourceKinds) {
    sourceReflectors.set(
      kind,
      new Reflector<SourceObject>(client, { group: 'source.toolkit.fluxcd.io', version: 'v1', kind }, { logger }),
    );
  }
  const sources = new SourceIndex(sourceReflectors);
  const waits = new HealthWaits();
  const artifacts = new ArtifactCache();
  const written = new WrittenStatuses<KustomizationStatus>(ownedStatus);
  const reconciler = new KustomizationReconciler({
    client,
    kustomizations,
    sources,
    events: new EventRecorder(client, { reportingController: ControllerName }),
    statusPatcher: new StatusPatcher(client, ControllerName),
    clusters: new ClusterClients(client, {
      defaultServiceAccount: options.defaultServiceAccount,
      ...(options.kubeApiQps ? { qps: options.kubeApiQps } : {}),
      ...(options.kubeApiBurst ? { burst: options.kubeApiBurst } : {}),
    }),
    artifacts,
    builds: new BuildCache(),
    waits,
    written,
    options,
  });

  const controller = manager.addController({
    name: 'kustomization',
    kind: 'Kustomization',
    concurrency: options.concurrency,
    ...(options.minRetryDelayMs ? { minRetryDelayMs: options.minRetryDelayMs } : {}),
    ...(options.maxRetryDelayMs ? { maxRetryDelayMs: options.maxRetryDelayMs } : {}),
    reconcile: async (key, log) => {
      // a reconcile must see every source and dependency, not a half-filled cache
      await Promise.all([kustomizations.hasSynced(), sources.hasSynced()]);
      return reconciler.reconcile(key, log);
    },
  });

  kustomizations.index(bySource, (kustomization) => [sourceKeyOf(kustomization)]);
  kustomizations.index(byDependency, (kustomization) => dependencyKeys(kustomization));
  kustomizations.onEvent((event) => {
    const key = keyOf(event.object);
    written.observed(key, event.type === 'DELETED' ? undefined : event.object);
    if (event.type === 'ADDED') controller.enqueue(key);
    if (event.type === 'MODIFIED' && event.oldObject) {
      if (needsReconcile(event.oldObject, event.object)) {
        waits.cancelIfGenerationChanged(key, event.object.metadata?.generation);
        controller.enqueue(key);
      }
      if (becameReady(event.oldObject, event.object)) {
        for (const dependent of kustomizations.byIndex(byDependency, key)) controller.enqueue(keyOf(dependent));
      }
    }
    if (event.type === 'DELETED') {
      // a dependency being torn down waits for this one to be gone
      for (const dependencyKey of dependencyKeys(event.object)) controller.enqueue(dependencyKey);
    }
  });
  for (const reflector of sourceReflectors.values()) {
    reflector.onEvent((event) => {
      if (event.type !== 'DELETED' && !artifactChanged(event.oldObject, event.object)) return;
      const revision = event.object.status?.artifact?.revision;
      for (const kustomization of kustomizations.byIndex(bySource, sourceKeyOfObject(event.object))) {
        const key = keyOf(kustomization);
        if (revision) waits.cancelIfRevisionChanged(key, revision);
        controller.enqueue(key);
      }
    });
  }

  manager.addRunnable({ name: 'kustomization-cache', start: (signal) => kustomizations.start(signal) });
  manager.health.addReadinessCheck('kustomization-cache', () => kustomizations.assertSynced());
  for (const [kind, reflector] of sourceReflectors) {
    manager.addRunnable({ name: `${kind.toLowerCase()}-cache`, start: (signal) => reflector.start(signal) });
    manager.health.addReadinessCheck(`${kind.toLowerCase()}-cache`, () => reflector.assertSynced());
  }
  manager.addRunnable({
    name: 'artifact-cache-cleanup',
    start: (signal) =>
      new Promise<void>((resolve) =>
        signal.addEventListener('abort', () => void artifacts.clear().finally(resolve), { once: true }),
      ),
  });
  return { controller, reconciler, kustomizations, sources, waits, artifacts };
}

export { FieldManager };
