// Wires the GitRepository reconciler into a Manager: the watch cache, what enqueues a reconcile, the controller.
import type { GitRepository } from '@fluxion/api';
import { SourceGroup } from '@fluxion/api';
import {
  type Controller,
  type EventRecorder,
  type KubeClient,
  type Manager,
  type StoreEvent,
  objectKey,
  Reflector,
} from '@fluxion/runtime';
import { GitRepositoryReconciler, gitRepositoryKind } from './gitrepository-reconciler.ts';
import { needsReconcile } from './source-predicates.ts';
import type { ArtifactStorage } from './storage.ts';

export interface GitRepositoryControllerOptions {
  manager: Manager;
  client: KubeClient;
  storage: ArtifactStorage;
  events: EventRecorder;
  /** Only this namespace (`--watch-all-namespaces=false`); all when undefined. */
  namespace?: string | undefined;
  /** `--watch-label-selector`. */
  labelSelector?: string | undefined;
  concurrency?: number;
  minRetryDelayMs?: number;
  maxRetryDelayMs?: number;
  workDirectory?: string;
}

export interface GitRepositoryController {
  controller: Controller;
  cache: Reflector<GitRepository>;
  reconciler: GitRepositoryReconciler;
}

const includesIndex = 'included-repository';

export function setupGitRepositoryController(options: GitRepositoryControllerOptions): GitRepositoryController {
  const { manager } = options;
  const log = manager.logger.child({ controller: 'gitrepository' });
  const cache = new Reflector<GitRepository>(
    options.client,
    { group: SourceGroup, version: 'v1', kind: gitRepositoryKind },
    {
      namespace: options.namespace,
      labelSelector: options.labelSelector,
      onDiagnostic: (diagnostic) => {
        if (diagnostic.type === 'error')
          log.warn({ err: diagnostic.error, retryInMs: diagnostic.retryInMs }, 'GitRepository watch failed');
        else if (diagnostic.type === 'gone' || diagnostic.type === 'silent')
          log.info({ diagnostic: diagnostic.type }, 'GitRepository watch restarted');
      },
      onHandlerError: (error) => log.error({ err: error }, 'GitRepository event handler failed'),
    },
  );
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
  const controller = manager.addController({
    name: 'gitrepository',
    kind: gitRepositoryKind,
    reconcile: reconciler.reconcile,
    ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
    ...(options.minRetryDelayMs !== undefined ? { minRetryDelayMs: options.minRetryDelayMs } : {}),
    ...(options.maxRetryDelayMs !== undefined ? { maxRetryDelayMs: options.maxRetryDelayMs } : {}),
  });

  cache.onEvent((event) => {
    if (needsReconcile(event)) controller.enqueue(objectKey(event.object));
    if (artifactChanged(event)) {
      for (const includer of cache.byIndex(includesIndex, objectKey(event.object)))
        controller.enqueue(objectKey(includer));
    }
  });
  manager.addRunnable({ name: 'gitrepository-cache', start: (signal) => cache.start(signal) });
  manager.health.addReadinessCheck('gitrepository-cache', () => cache.assertSynced());
  return { controller, cache, reconciler };
}

function artifactChanged(event: StoreEvent<GitRepository>): boolean {
  const now = event.object.status?.artifact;
  const before = event.oldObject?.status?.artifact;
  return now?.revision !== before?.revision || now?.digest !== before?.digest;
}
