// The watch cache and controller of one source kind, with Flux's predicates (new object, new generation, reconcile
// request, deletion); shared by every source kind.
import { SourceGroup } from '@fluxion/api';
import {
  type Controller,
  type KubeClient,
  type Manager,
  type Reconciler,
  type StoreEvent,
  objectKey,
  Reflector,
} from '@fluxion/runtime';
import { needsReconcile } from './source-predicates.ts';
import type { SourceObject } from './source-run.ts';

export interface SourceWatchOptions {
  manager: Manager;
  client: KubeClient;
  /** Only this namespace (`--watch-all-namespaces=false`); all when undefined. */
  namespace?: string | undefined;
  /** `--watch-label-selector`. */
  labelSelector?: string | undefined;
  concurrency?: number;
  minRetryDelayMs?: number;
  maxRetryDelayMs?: number;
}

/** A Reflector for `kind` that logs its watch trouble; started and checked for readiness by the manager. */
export function watchSourceKind<T extends SourceObject>(options: SourceWatchOptions, kind: string): Reflector<T> {
  const log = options.manager.logger.child({ controller: kind.toLowerCase() });
  const cache = new Reflector<T>(
    options.client,
    { group: SourceGroup, version: 'v1', kind },
    {
      namespace: options.namespace,
      labelSelector: options.labelSelector,
      logger: log,
    },
  );
  options.manager.addRunnable({ name: `${kind.toLowerCase()}-cache`, start: (signal) => cache.start(signal) });
  options.manager.health.addReadinessCheck(`${kind.toLowerCase()}-cache`, () => cache.assertSynced());
  return cache;
}

/** The controller for `kind`, fed by its cache with Flux's predicates. */
export function addSourceController<T extends SourceObject>(
  options: SourceWatchOptions,
  kind: string,
  cache: Reflector<T>,
  reconcile: Reconciler,
): Controller {
  const controller = options.manager.addController({
    name: kind.toLowerCase(),
    kind,
    reconcile,
    ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
    ...(options.minRetryDelayMs !== undefined ? { minRetryDelayMs: options.minRetryDelayMs } : {}),
    ...(options.maxRetryDelayMs !== undefined ? { maxRetryDelayMs: options.maxRetryDelayMs } : {}),
  });
  cache.onEvent((event) => {
    if (needsReconcile(event)) controller.enqueue(objectKey(event.object));
  });
  return controller;
}

/** Whether an event changed the object's artifact (what dependants of a source react to). */
export function artifactChanged<T extends SourceObject>(event: StoreEvent<T>): boolean {
  const now = event.object.status?.artifact;
  const before = event.oldObject?.status?.artifact;
  return event.type === 'DELETED' || now?.revision !== before?.revision || now?.digest !== before?.digest;
}
