// Wires the HelmRepository reconciler into a Manager: its watch cache and controller.
import type { HelmRepository } from '@fluxion/api';
import type { Controller, EventRecorder, Reflector } from '@fluxion/runtime';
import { HelmRepositoryReconciler, helmRepositoryKind } from './helmrepository-reconciler.ts';
import { addSourceController, type SourceWatchOptions, watchSourceKind } from './source-watch.ts';
import type { ArtifactStorage } from './storage.ts';

export interface HelmRepositoryControllerOptions extends SourceWatchOptions {
  storage: ArtifactStorage;
  events: EventRecorder;
}

export interface HelmRepositoryController {
  controller: Controller;
  cache: Reflector<HelmRepository>;
  reconciler: HelmRepositoryReconciler;
}

export function setupHelmRepositoryController(options: HelmRepositoryControllerOptions): HelmRepositoryController {
  const cache = watchSourceKind<HelmRepository>(options, helmRepositoryKind);
  const reconciler = new HelmRepositoryReconciler({ client: options.client, cache, storage: options.storage, events: options.events });
  const controller = addSourceController(options, helmRepositoryKind, cache, reconciler.reconcile);
  return { controller, cache, reconciler };
}
