// Wires the Bucket reconciler into a Manager: its watch cache and controller.
import type { Bucket } from '@fluxion/api';
import type { Controller, EventRecorder, Reflector } from '@fluxion/runtime';
import { BucketReconciler, bucketKind } from './bucket-reconciler.ts';
import { addSourceController, type SourceWatchOptions, watchSourceKind } from './source-watch.ts';
import type { ArtifactStorage } from './storage.ts';

export interface BucketControllerOptions extends SourceWatchOptions {
  storage: ArtifactStorage;
  events: EventRecorder;
}

export interface BucketController {
  controller: Controller;
  cache: Reflector<Bucket>;
  reconciler: BucketReconciler;
}

export function setupBucketController(options: BucketControllerOptions): BucketController {
  const cache = watchSourceKind<Bucket>(options, bucketKind);
  const reconciler = new BucketReconciler({
    client: options.client,
    cache,
    storage: options.storage,
    events: options.events,
  });
  const controller = addSourceController(options, bucketKind, cache, reconciler.reconcile);
  return { controller, cache, reconciler };
}
