// Wires the OCIRepository reconciler into a Manager: the watch cache, what enqueues a reconcile, the controller.
import type { OCIRepository } from '@fluxion/api';
import type { Controller, EventRecorder, Reflector } from '@fluxion/runtime';
import type { PullLimits } from './ocirepository-pull.ts';
import { OCIRepositoryReconciler, ociRepositoryKind } from './ocirepository-reconciler.ts';
import { addSourceController, type SourceWatchOptions, watchSourceKind } from './source-watch.ts';
import type { ArtifactStorage } from './storage.ts';

export interface OCIRepositoryControllerOptions extends SourceWatchOptions {
  storage: ArtifactStorage;
  events: EventRecorder;
  workDirectory?: string;
  limits?: PullLimits;
}

export interface OCIRepositoryController {
  controller: Controller;
  cache: Reflector<OCIRepository>;
  reconciler: OCIRepositoryReconciler;
}

export function setupOCIRepositoryController(options: OCIRepositoryControllerOptions): OCIRepositoryController {
  const cache = watchSourceKind<OCIRepository>(options, ociRepositoryKind);
  const reconciler = new OCIRepositoryReconciler({
    client: options.client,
    cache,
    storage: options.storage,
    events: options.events,
    ...(options.workDirectory ? { workDirectory: options.workDirectory } : {}),
    ...(options.limits ? { limits: options.limits } : {}),
  });
  const controller = addSourceController(options, ociRepositoryKind, cache, reconciler.reconcile);
  return { controller, cache, reconciler };
}
