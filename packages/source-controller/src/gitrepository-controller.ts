// Wires the GitRepository reconciler into a Manager: the watch cache, what enqueues a reconcile, the controller.
import type { GitRepository } from '@fluxion/api';
import { type Controller, type EventRecorder, objectKey, type Reflector } from '@fluxion/runtime';
import { GitRepositoryReconciler, gitRepositoryKind } from './gitrepository-reconciler.ts';
import { addSourceController, artifactChanged, type SourceWatchOptions, watchSourceKind } from './source-watch.ts';
import type { ArtifactStorage } from './storage.ts';

export interface GitRepositoryControllerOptions extends SourceWatchOptions {
  storage: ArtifactStorage;
  events: EventRecorder;
  workDirectory?: string;
}

export interface GitRepositoryController {
  controller: Controller;
  cache: Reflector<GitRepository>;
  reconciler: GitRepositoryReconciler;
}

const includesIndex = 'included-repository';

export function setupGitRepositoryController(options: GitRepositoryControllerOptions): GitRepositoryController {
  const cache = watchSourceKind<GitRepository>(options, gitRepositoryKind);
  // Who includes whom, so a new artifact re-queues the repositories that copy it.
  cache.index(includesIndex, (repository) =>
    (repository.spec?.include ?? []).map(
      (include) => `${repository.metadata?.namespace ?? ''}/${include.repository.name}`,
    ),
  );
  const reconciler = new GitRepositoryReconciler({
    client: options.client,
    cache,
    storage: options.storage,
    events: options.events,
    ...(options.workDirectory ? { workDirectory: options.workDirectory } : {}),
  });
  const controller = addSourceController(options, gitRepositoryKind, cache, reconciler.reconcile);
  cache.onEvent((event) => {
    if (!artifactChanged(event)) return;
    for (const includer of cache.byIndex(includesIndex, objectKey(event.object)))
      controller.enqueue(objectKey(includer));
  });
  return { controller, cache, reconciler };
}
