// Runs source-controller's Helm and Bucket controllers (and GitRepository, a chart source) in-process against the
// shared control plane, scoped to one test namespace, with their own storage and artifact server.
import { SourceApiVersion } from '@fluxion/api';
import { eventually } from '@fluxion/testenv';
import { setupBucketController, type BucketController } from '../../src/bucket-controller.ts';
import { setupGitRepositoryController } from '../../src/gitrepository-controller.ts';
import { setupHelmChartController, type HelmChartController } from '../../src/helmchart-controller.ts';
import { setupHelmRepositoryController, type HelmRepositoryController } from '../../src/helmrepository-controller.ts';
import type { SourceObject } from '../../src/source-run.ts';
import {
  requestSourceReconcile,
  type SourceTestEnv,
  startSourceTestEnv,
  waitForSourceNotReady,
  waitForSourceReady,
} from './source-test-env.ts';

export {
  conditionOf,
  createSecret,
  download,
  eventsOf,
  eventWithReason,
  getSource,
  sourceRef,
} from './source-test-env.ts';

export interface SourcesHarness extends Pick<SourceTestEnv, 'namespace' | 'client' | 'storage' | 'artifactServer'> {
  helmRepositories: HelmRepositoryController;
  helmCharts: HelmChartController;
  buckets: BucketController;
  logs: string[];
  stop(): Promise<void>;
}

const kinds = ['HelmChart', 'HelmRepository', 'Bucket', 'GitRepository'] as const;

export async function startSourcesHarness(): Promise<SourcesHarness> {
  const env = await startSourceTestEnv({
    namespacePrefix: 'helm',
    storagePrefix: 'source-controller-storage-',
    managerName: 'source-controller-test',
  });
  const common = env.controllerOptions;
  const gitRepositories = setupGitRepositoryController(common);
  // A 1 MiB index limit (--helm-index-max-size), so the limit is testable without a huge index.
  const helmRepositories = setupHelmRepositoryController({ ...common, indexMaxBytes: 1024 * 1024 });
  const buckets = setupBucketController(common);
  const helmCharts = setupHelmChartController({
    ...common,
    sources: { HelmRepository: helmRepositories.cache, GitRepository: gitRepositories.cache, Bucket: buckets.cache },
  });
  await env.manager.start();
  return { ...env, helmRepositories, helmCharts, buckets, stop: () => env.stop(kinds) };
}

export async function createSource<T extends SourceObject>(
  harness: SourcesHarness,
  kind: string,
  name: string,
  spec: Record<string, unknown>,
): Promise<T> {
  return harness.client.create<T>({
    apiVersion: SourceApiVersion,
    kind,
    metadata: { name, namespace: harness.namespace },
    spec,
  } as unknown as T);
}

/** Waits for Ready=True on the current generation, and for `accept` (e.g. a revision) when given. */
export const waitForReady = waitForSourceReady;
/** Waits until Ready is False with a message matching `message`. */
export const waitForNotReady = waitForSourceNotReady;
/** Sets reconcile.fluxcd.io/requestedAt and waits until the controller reports it handled. */
export const requestReconcile = requestSourceReconcile;

export { eventually };
