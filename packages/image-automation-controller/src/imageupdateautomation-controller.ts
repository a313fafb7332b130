// Wires the ImageUpdateAutomation reconciler into a Manager: caches of automations, ImagePolicies and GitRepositories,
// and what enqueues a run: the automation's own changes, a policy choosing a new image, its GitRepository moving.
import {
  type GitRepository,
  ImageGroup,
  ImageKind,
  type ImagePolicy,
  type ImageUpdateAutomation,
  SourceGroup,
} from '@fluxion/api';
import {
  type Controller,
  type EventRecorder,
  type KubeClient,
  type Manager,
  objectKey,
  ReconcileRequestAnnotation,
  Reflector,
  type StoreEvent,
} from '@fluxion/runtime';
import { ImageUpdateAutomationReconciler } from './imageupdateautomation-reconciler.ts';

export interface ImageUpdateAutomationControllerOptions {
  manager: Manager;
  client: KubeClient;
  events: EventRecorder;
  /** Only this namespace (`--watch-all-namespaces=false`); all when undefined. */
  namespace?: string | undefined;
  /** `--watch-label-selector`, for the automations. */
  labelSelector?: string | undefined;
  noCrossNamespaceRefs?: boolean;
  concurrency?: number;
  minRetryDelayMs?: number;
  maxRetryDelayMs?: number;
  workDirectory?: string;
}

export interface ImageUpdateAutomationController {
  controller: Controller;
  reconciler: ImageUpdateAutomationReconciler;
}

const sourceIndex = 'source';

export function setupImageUpdateAutomationController(
  options: ImageUpdateAutomationControllerOptions,
): ImageUpdateAutomationController {
  const { manager } = options;
  const log = manager.logger.child({ controller: 'imageupdateautomation' });
  const cacheOptions = (labelSelector?: string) => ({ namespace: options.namespace, labelSelector, logger: log });
  const automations = new Reflector<ImageUpdateAutomation>(
    options.client,
    { group: ImageGroup, version: 'v1', kind: ImageKind.ImageUpdateAutomation },
    cacheOptions(options.labelSelector),
  );
  const policies = new Reflector<ImagePolicy>(
    options.client,
    { group: ImageGroup, version: 'v1', kind: ImageKind.ImagePolicy },
    cacheOptions(),
  );
  const sources = new Reflector<GitRepository>(
    options.client,
    { group: SourceGroup, version: 'v1', kind: 'GitRepository' },
    cacheOptions(),
  );
  automations.index(sourceIndex, (automation) => {
    const ref = automation.spec?.sourceRef;
    return ref ? [`${ref.namespace || automation.metadata?.namespace || ''}/${ref.name}`] : [];
  });

  const reconciler = new ImageUpdateAutomationReconciler({
    client: options.client,
    automations,
    policies,
    sources,
    events: options.events,
    ...(options.noCrossNamespaceRefs ? { noCrossNamespaceRefs: true } : {}),
    ...(options.workDirectory ? { workDirectory: options.workDirectory } : {}),
  });
  const controller = manager.addController({
    name: 'imageupdateautomation',
    kind: ImageKind.ImageUpdateAutomation,
    reconcile: reconciler.reconcile,
    ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
    ...(options.minRetryDelayMs !== undefined ? { minRetryDelayMs: options.minRetryDelayMs } : {}),
    ...(options.maxRetryDelayMs !== undefined ? { maxRetryDelayMs: options.maxRetryDelayMs } : {}),
  });

  automations.onEvent((event) => {
    if (automationChanged(event)) controller.enqueue(objectKey(event.object));
  });
  // A policy that chose another image: every automation of its namespace may have a field to rewrite.
  policies.onEvent((event) => {
    if (
      JSON.stringify(event.object.status?.latestRef ?? null) ===
        JSON.stringify(event.oldObject?.status?.latestRef ?? null) &&
      event.type === 'MODIFIED'
    )
      return;
    for (const automation of automations.list(event.object.metadata?.namespace ?? ''))
      controller.enqueue(objectKey(automation));
  });
  sources.onEvent((event) => {
    if (
      event.type === 'MODIFIED' &&
      event.object.status?.artifact?.revision === event.oldObject?.status?.artifact?.revision
    )
      return;
    for (const automation of automations.byIndex(sourceIndex, objectKey(event.object)))
      controller.enqueue(objectKey(automation));
  });
  for (const [name, cache] of [
    ['imageupdateautomation', automations],
    ['imagepolicy', policies],
    ['gitrepository', sources],
  ] as const) {
    manager.addRunnable({ name: `${name}-cache`, start: (signal) => cache.start(signal) });
    manager.health.addReadinessCheck(`${name}-cache`, () => {
      if (!cache.isSynced) throw new Error(`the ${name} cache has not finished its first list`);
    });
  }
  return { controller, reconciler };
}

// A new object, a new generation, or a reconcile request (`flux reconcile image update`, a Receiver).
function automationChanged(event: StoreEvent<ImageUpdateAutomation>): boolean {
  if (event.type !== 'MODIFIED' || !event.oldObject) return event.type === 'ADDED';
  const meta = event.object.metadata ?? {};
  const old = event.oldObject.metadata ?? {};
  return (
    meta.generation !== old.generation ||
    meta.annotations?.[ReconcileRequestAnnotation] !== old.annotations?.[ReconcileRequestAnnotation]
  );
}
