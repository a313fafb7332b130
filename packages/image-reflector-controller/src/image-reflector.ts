// Wires both reconcilers into a Manager: two watch caches, the tag store between them, and what enqueues what.
import { type ImagePolicy, type ImageRepository, ImageGroup, ImageKind } from '@fluxion/api';
import {
  type Controller,
  type EventRecorder,
  type KubeClient,
  type Manager,
  type StoreEvent,
  objectKey,
  Reflector,
  ReconcileRequestAnnotation,
} from '@fluxion/runtime';
import type { KubernetesObject } from '@kubernetes/client-node';
import { ImagePolicyReconciler, repositoryKeyOf } from './imagepolicy-reconciler.ts';
import { ImageRepositoryReconciler, type ResolveRegistryAccess } from './imagerepository-reconciler.ts';
import type { ImageRegistry } from './registry.ts';
import { TagStore } from './tag-store.ts';

export interface ImageReflectorOptions {
  manager: Manager;
  client: KubeClient;
  registry: ImageRegistry;
  resolveAccess: ResolveRegistryAccess;
  events: EventRecorder;
  /** Only this namespace (`--watch-all-namespaces=false`); all when undefined. */
  namespace?: string | undefined;
  /** `--watch-label-selector`. */
  labelSelector?: string | undefined;
  noCrossNamespaceRefs?: boolean;
  concurrency?: number;
  minRetryDelayMs?: number;
  maxRetryDelayMs?: number;
}

export interface ImageReflector {
  store: TagStore;
  repositories: Reflector<ImageRepository>;
  policies: Reflector<ImagePolicy>;
  repositoryController: Controller;
  policyController: Controller;
}

const byRepositoryIndex = 'image-repository';

export function setupImageReflector(options: ImageReflectorOptions): ImageReflector {
  const { manager } = options;
  const store = new TagStore();
  const repositories = cacheOf<ImageRepository>(options, ImageKind.ImageRepository);
  const policies = cacheOf<ImagePolicy>(options, ImageKind.ImagePolicy);
  policies.index(byRepositoryIndex, (policy) => [repositoryKeyOf(policy)]);

  const shared = {
    client: options.client,
    store,
    registry: options.registry,
    resolveAccess: options.resolveAccess,
    events: options.events,
  };
  const retry = {
    ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
    ...(options.minRetryDelayMs !== undefined ? { minRetryDelayMs: options.minRetryDelayMs } : {}),
    ...(options.maxRetryDelayMs !== undefined ? { maxRetryDelayMs: options.maxRetryDelayMs } : {}),
  };
  const repositoryReconciler = new ImageRepositoryReconciler({ ...shared, cache: repositories });
  const policyReconciler = new ImagePolicyReconciler({
    ...shared,
    cache: policies,
    repositories,
    ...(options.noCrossNamespaceRefs ? { noCrossNamespaceRefs: true } : {}),
  });
  const repositoryController = manager.addController({
    name: 'imagerepository',
    kind: ImageKind.ImageRepository,
    reconcile: repositoryReconciler.reconcile,
    ...retry,
  });
  const policyController = manager.addController({
    name: 'imagepolicy',
    kind: ImageKind.ImagePolicy,
    reconcile: policyReconciler.reconcile,
    ...retry,
  });

  const enqueuePoliciesOf = (repositoryKey: string): void => {
    for (const policy of policies.byIndex(byRepositoryIndex, repositoryKey))
      policyController.enqueue(objectKey(policy));
  };
  repositories.onEvent((event) => {
    if (specOrRequestChanged(event)) repositoryController.enqueue(objectKey(event.object));
    // A policy hears of its repository's creation, deletion, new scan result, or new accessFrom.
    if (event.type !== 'MODIFIED' || repositoryChangedForPolicies(event))
      enqueuePoliciesOf(objectKeyText(event.object));
  });
  policies.onEvent((event) => {
    if (specOrRequestChanged(event)) policyController.enqueue(objectKey(event.object));
  });
  store.onChange(enqueuePoliciesOf);

  for (const [name, cache] of [
    ['imagerepository-cache', repositories],
    ['imagepolicy-cache', policies],
  ] as const) {
    manager.addRunnable({ name, start: (signal) => cache.start(signal) });
    manager.health.addReadinessCheck(name, () => cache.assertSynced());
  }
  return { store, repositories, policies, repositoryController, policyController };
}

function cacheOf<T extends KubernetesObject>(options: ImageReflectorOptions, kind: string): Reflector<T> {
  const log = options.manager.logger.child({ controller: kind.toLowerCase() });
  return new Reflector<T>(
    options.client,
    { group: ImageGroup, version: 'v1', kind },
    {
      namespace: options.namespace,
      labelSelector: options.labelSelector,
      logger: log,
    },
  );
}

// Flux's predicates: a new object, a new generation, a reconcile request, a deletion.
function specOrRequestChanged(event: StoreEvent<KubernetesObject>): boolean {
  const { object, oldObject } = event;
  if (event.type !== 'MODIFIED' || !oldObject) return true;
  const meta = object.metadata ?? {};
  const old = oldObject.metadata ?? {};
  return (
    meta.generation !== old.generation ||
    meta.annotations?.[ReconcileRequestAnnotation] !== old.annotations?.[ReconcileRequestAnnotation] ||
    (meta.deletionTimestamp !== undefined && old.deletionTimestamp === undefined)
  );
}

function repositoryChangedForPolicies(event: StoreEvent<ImageRepository>): boolean {
  const now = event.object;
  const before = event.oldObject;
  return (
    now.status?.lastScanResult?.revision !== before?.status?.lastScanResult?.revision ||
    now.spec?.image !== before?.spec?.image ||
    JSON.stringify(now.spec?.accessFrom) !== JSON.stringify(before?.spec?.accessFrom)
  );
}

function objectKeyText(object: KubernetesObject): string {
  return TagStore.key(object.metadata?.namespace ?? '', object.metadata?.name ?? '');
}
