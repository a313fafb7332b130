// Wires the OCIRepository reconciler into a Manager: the watch cache, what enqueues a reconcile, the controller.
import type { OCIRepository } from '@fluxion/api';
import { SourceGroup } from '@fluxion/api';
import {
  type Controller,
  type EventRecorder,
  type KubeClient,
  type Manager,
  objectKey,
  Reflector,
} from '@fluxion/runtime';
import type { PullLimits } from './ocirepository-pull.ts';
import { OCIRepositoryReconciler, ociRepositoryKind } from './ocirepository-reconciler.ts';
import { needsReconcile } from './source-predicates.ts';
import type { ArtifactStorage } from './storage.ts';

export interface OCIRepositoryControllerOptions {
  manager: Manager;
  client: KubeClient;
  storage: ArtifactStorage;
  events: EventRecorder;
  namespace?: string | undefined;
  labelSelector?: string | undefined;
  concurrency?: number;
  minRetryDelayMs?: number;
  maxRetryDelayMs?: number;
  workDirectory?: string;
  limits?: PullLimits;
}

export interface OCIRepositoryController {
  controller: Controller;
  cache: Reflector<OCIRepository>;
  reconciler: OCIRepositoryReconciler;
}

export function setupOCIRepositoryController(options: OCIRepositoryControllerOptions): OCIRepositoryController {
  const { manager } = options;
  const log = manager.logger.child({ controller: 'ocirepository' });
  const cache = new Reflector<OCIRepository>(
    options.client,
    { group: SourceGroup, version: 'v1', kind: ociRepositoryKind },
    {
      namespace: options.namespace,
      labelSelector: options.labelSelector,
      onDiagnostic: (diagnostic) => {
        if (diagnostic.type === 'error')
          log.warn({ err: diagnostic.error, retryInMs: diagnostic.retryInMs }, 'OCIRepository watch failed');
        else if (diagnostic.type === 'gone' || diagnostic.type === 'silent')
          log.info({ diagnostic: diagnostic.type }, 'OCIRepository watch restarted');
      },
      onHandlerError: (error) => log.error({ err: error }, 'OCIRepository event handler failed'),
    },
  );
  const reconciler = new OCIRepositoryReconciler({
    client: options.client,
    cache,
    storage: options.storage,
    events: options.events,
    ...(options.workDirectory ? { workDirectory: options.workDirectory } : {}),
    ...(options.limits ? { limits: options.limits } : {}),
  });
  const controller = manager.addController({
    name: 'ocirepository',
    kind: ociRepositoryKind,
    reconcile: reconciler.reconcile,
    ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
    ...(options.minRetryDelayMs !== undefined ? { minRetryDelayMs: options.minRetryDelayMs } : {}),
    ...(options.maxRetryDelayMs !== undefined ? { maxRetryDelayMs: options.maxRetryDelayMs } : {}),
  });
  cache.onEvent((event) => {
    if (needsReconcile(event)) controller.enqueue(objectKey(event.object));
  });
  manager.addRunnable({ name: 'ocirepository-cache', start: (signal) => cache.start(signal) });
  manager.health.addReadinessCheck('ocirepository-cache', () => cache.assertSynced());
  return { controller, cache, reconciler };
}
