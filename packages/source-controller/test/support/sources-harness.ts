// Runs source-controller's Helm and Bucket controllers (and GitRepository, a chart source) in-process against the
// shared control plane, scoped to one test namespace, with their own storage and artifact server.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CoreV1Event } from '@kubernetes/client-node';
import { installCrds, SourceApiVersion } from '@fluxion/api';
import { createClient, createLogger, EventRecorder, type KubeClient, Manager } from '@fluxion/runtime';
import { eventually, useTestNamespace } from '@fluxion/testenv';
import { startArtifactServer, type RunningArtifactServer } from '../../src/artifact-server.ts';
import { setupBucketController, type BucketController } from '../../src/bucket-controller.ts';
import { setupGitRepositoryController } from '../../src/gitrepository-controller.ts';
import { setupHelmChartController, type HelmChartController } from '../../src/helmchart-controller.ts';
import { setupHelmRepositoryController, type HelmRepositoryController } from '../../src/helmrepository-controller.ts';
import type { SourceObject } from '../../src/source-run.ts';
import { ArtifactStorage } from '../../src/storage.ts';

export interface SourcesHarness {
  namespace: string;
  client: KubeClient;
  storage: ArtifactStorage;
  artifactServer: RunningArtifactServer;
  helmRepositories: HelmRepositoryController;
  helmCharts: HelmChartController;
  buckets: BucketController;
  logs: string[];
  stop(): Promise<void>;
}

const kinds = ['HelmChart', 'HelmRepository', 'Bucket', 'GitRepository'] as const;

export async function startSourcesHarness(): Promise<SourcesHarness> {
  const env = await useTestNamespace('helm');
  await installCrds(env.kubeConfig);
  const client = createClient({ kubeConfig: env.kubeConfig });
  const storagePath = await mkdtemp(join(tmpdir(), 'source-controller-storage-'));
  const artifactServer = await startArtifactServer({ storagePath, address: '127.0.0.1:0' });
  const storage = new ArtifactStorage({
    basePath: storagePath,
    advertisedAddress: artifactServer.url,
    retentionTtlMs: 60_000,
  });
  const logs: string[] = [];
  const logger = createLogger({ level: 'debug', destination: { write: (line: string) => logs.push(line) } });
  const manager = new Manager({
    name: 'source-controller-test',
    logger,
    metricsAddress: '0',
    healthAddress: '0',
    gracefulShutdownMs: 5_000,
  });
  const events = new EventRecorder(client, { reportingController: 'source-controller' });
  const common = {
    manager,
    client,
    storage,
    events,
    namespace: env.namespace,
    concurrency: 4,
    minRetryDelayMs: 250,
    maxRetryDelayMs: 3_000,
  };
  const gitRepositories = setupGitRepositoryController(common);
  // A 1 MiB index limit (--helm-index-max-size), so the limit is testable without a huge index.
  const helmRepositories = setupHelmRepositoryController({ ...common, indexMaxBytes: 1024 * 1024 });
  const buckets = setupBucketController(common);
  const helmCharts = setupHelmChartController({
    ...common,
    sources: { HelmRepository: helmRepositories.cache, GitRepository: gitRepositories.cache, Bucket: buckets.cache },
  });
  await manager.start();
  return {
    namespace: env.namespace,
    client,
    storage,
    artifactServer,
    helmRepositories,
    helmCharts,
    buckets,
    logs,
    stop: async () => {
      // Delete what the test left while the controllers still run, so finalizers do not pin the namespace.
      for (const kind of kinds) {
        const gvk = { group: 'source.toolkit.fluxcd.io', version: 'v1', kind };
        const { items } = await client
          .list<SourceObject>(gvk, { namespace: env.namespace })
          .catch(() => ({ items: [] as SourceObject[] }));
        await Promise.all(
          items.map((item) => client.deleteIfExists(sourceRef(kind, env.namespace, item.metadata!.name!))),
        );
        await eventually(
          async () => {
            if ((await client.list(gvk, { namespace: env.namespace })).items.length > 0)
              throw new Error(`${kind}s still being deleted`);
          },
          { timeoutMs: 30_000 },
        ).catch(() => undefined);
      }
      await manager.stop();
      await artifactServer.close();
      await rm(storagePath, { recursive: true, force: true });
    },
  };
}

export function sourceRef(kind: string, namespace: string, name: string) {
  return { apiVersion: SourceApiVersion, kind, namespace, name };
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

export async function getSource<T extends SourceObject>(
  harness: SourcesHarness,
  kind: string,
  name: string,
): Promise<T> {
  return harness.client.get<T>(sourceRef(kind, harness.namespace, name));
}

export async function createSecret(
  harness: SourcesHarness,
  name: string,
  stringData: Record<string, string>,
  type?: string,
): Promise<void> {
  await harness.client.create({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace: harness.namespace },
    stringData,
    ...(type ? { type } : {}),
  } as never);
}

export function conditionOf(object: SourceObject, type: string) {
  return object.status?.conditions?.find((condition) => condition.type === type);
}

/** Waits for Ready=True on the current generation, and for `accept` (e.g. a revision) when given. */
export async function waitForReady<T extends SourceObject>(
  harness: SourcesHarness,
  kind: string,
  name: string,
  accept?: (object: T) => boolean,
): Promise<T> {
  return eventually(async () => {
    const object = await getSource<T>(harness, kind, name);
    const ready = conditionOf(object, 'Ready');
    if (
      ready?.status !== 'True' ||
      object.status?.observedGeneration !== object.metadata?.generation ||
      (accept && !accept(object))
    ) {
      throw new Error(`${kind} ${name} is not Ready yet: ${JSON.stringify(object.status ?? {})}`);
    }
    return object;
  });
}

/** Waits until Ready is False with a message matching `message`. */
export async function waitForNotReady<T extends SourceObject>(
  harness: SourcesHarness,
  kind: string,
  name: string,
  message: RegExp,
): Promise<T> {
  return eventually(async () => {
    const object = await getSource<T>(harness, kind, name);
    const ready = conditionOf(object, 'Ready');
    if (ready?.status !== 'False' || !message.test(ready.message)) {
      throw new Error(
        `${kind} ${name}: expected Ready=False matching ${message}, got ${JSON.stringify(object.status?.conditions ?? [])}`,
      );
    }
    return object;
  });
}

/** Sets reconcile.fluxcd.io/requestedAt and waits until the controller reports it handled. */
export async function requestReconcile<T extends SourceObject>(
  harness: SourcesHarness,
  kind: string,
  name: string,
): Promise<T> {
  const token = `${Date.now()}-${Math.random()}`;
  await harness.client.patch(
    sourceRef(kind, harness.namespace, name),
    { metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': token } } },
    'merge',
  );
  return eventually(async () => {
    const object = await getSource<T>(harness, kind, name);
    if (object.status?.lastHandledReconcileAt !== token)
      throw new Error(`${name}: reconcile request ${token} not handled yet`);
    return object;
  });
}

export async function eventsOf(harness: SourcesHarness, name: string): Promise<CoreV1Event[]> {
  const { items } = await harness.client.list<CoreV1Event>(
    { group: '', version: 'v1', kind: 'Event' },
    {
      namespace: harness.namespace,
      fieldSelector: `involvedObject.name=${name}`,
    },
  );
  return items;
}

export async function download(url: string): Promise<Buffer> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url}: ${response.status}`);
  return Buffer.from(await response.arrayBuffer());
}

export { eventually };
