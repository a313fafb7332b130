// Runs the GitRepository controller in-process against the shared control plane, scoped to one test namespace,
// with its own storage and artifact server, and gives tests the few helpers they share.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from '@fluxion/testenv';
import type { CoreV1Event } from '@kubernetes/client-node';
import { type GitRepository, type GitRepositorySpec, installCrds, SourceApiVersion } from '@fluxion/api';
import { createClient, createLogger, EventRecorder, type KubeClient, Manager } from '@fluxion/runtime';
import { useTestNamespace } from '@fluxion/testenv';
import { startArtifactServer, type RunningArtifactServer } from '../../src/artifact-server.ts';
import { type GitRepositoryController, setupGitRepositoryController } from '../../src/gitrepository-controller.ts';
import { ArtifactStorage } from '../../src/storage.ts';

export interface Harness {
  namespace: string;
  kubeconfigPath: string;
  client: KubeClient;
  storage: ArtifactStorage;
  artifactServer: RunningArtifactServer;
  controller: GitRepositoryController;
  /** Every log line the controller wrote, as text. */
  logs: string[];
  stop(): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  const env = await useTestNamespace('sc');
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
  const controller = setupGitRepositoryController({
    manager,
    client,
    storage,
    events: new EventRecorder(client, { reportingController: 'source-controller' }),
    namespace: env.namespace,
    concurrency: 4,
    // Short retries keep failure tests quick; the backoff itself is the runtime's and tested there.
    minRetryDelayMs: 250,
    maxRetryDelayMs: 3_000,
  });
  await manager.start();
  return {
    namespace: env.namespace,
    kubeconfigPath: env.kubeconfigPath,
    client,
    storage,
    artifactServer,
    controller,
    logs,
    stop: async () => {
      // Delete what the test left while the controller still runs, so finalizers do not pin the namespace.
      const gvk = { group: 'source.toolkit.fluxcd.io', version: 'v1', kind: 'GitRepository' };
      const { items } = await client.list<GitRepository>(gvk, { namespace: env.namespace });
      await Promise.all(
        items.map((item) => client.deleteIfExists(gitRepositoryRef(env.namespace, item.metadata!.name!))),
      );
      await eventually(
        async () => {
          if ((await client.list(gvk, { namespace: env.namespace })).items.length > 0)
            throw new Error('GitRepositories still being deleted');
        },
        { timeoutMs: 30_000 },
      ).catch(() => undefined);
      await manager.stop();
      await artifactServer.close();
      await rm(storagePath, { recursive: true, force: true });
    },
  };
}

export function gitRepositoryRef(namespace: string, name: string) {
  return { apiVersion: SourceApiVersion, kind: 'GitRepository', namespace, name };
}

export async function createGitRepository(
  harness: Harness,
  name: string,
  spec: Partial<GitRepositorySpec> & { url: string },
): Promise<GitRepository> {
  return harness.client.create<GitRepository>({
    apiVersion: SourceApiVersion,
    kind: 'GitRepository',
    metadata: { name, namespace: harness.namespace },
    spec: { interval: '10m', ...spec },
  });
}

export async function createSecret(harness: Harness, name: string, stringData: Record<string, string>): Promise<void> {
  await harness.client.create({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace: harness.namespace },
    stringData,
  } as never);
}

export async function getGitRepository(harness: Harness, name: string): Promise<GitRepository> {
  return harness.client.get<GitRepository>(gitRepositoryRef(harness.namespace, name));
}

export function conditionOf(repository: GitRepository, type: string) {
  return repository.status?.conditions?.find((condition) => condition.type === type);
}

export { eventually };

/** Waits for Ready=True on the current generation, optionally at a given revision. */
export async function waitForReady(harness: Harness, name: string, revision?: string): Promise<GitRepository> {
  return eventually(async () => {
    const repository = await getGitRepository(harness, name);
    const ready = conditionOf(repository, 'Ready');
    if (ready?.status !== 'True' || repository.status?.observedGeneration !== repository.metadata?.generation) {
      throw new Error(`${name} is not Ready yet: ${JSON.stringify(repository.status?.conditions ?? [])}`);
    }
    if (revision !== undefined && repository.status?.artifact?.revision !== revision) {
      throw new Error(`${name} is at ${repository.status?.artifact?.revision}, expected ${revision}`);
    }
    return repository;
  });
}

/** Sets reconcile.fluxcd.io/requestedAt and waits until the controller reports it handled. */
export async function requestReconcile(harness: Harness, name: string): Promise<GitRepository> {
  const token = `${Date.now()}-${Math.random()}`;
  await harness.client.patch(
    gitRepositoryRef(harness.namespace, name),
    { metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': token } } },
    'merge',
  );
  return eventually(async () => {
    const repository = await getGitRepository(harness, name);
    if (repository.status?.lastHandledReconcileAt !== token)
      throw new Error(`${name}: reconcile request ${token} not handled yet`);
    return repository;
  });
}

/** Waits until Ready is False with a message matching `message`. */
export async function waitForNotReady(harness: Harness, name: string, message: RegExp): Promise<GitRepository> {
  return eventually(async () => {
    const repository = await getGitRepository(harness, name);
    const ready = conditionOf(repository, 'Ready');
    if (ready?.status !== 'False' || !message.test(ready.message)) {
      throw new Error(
        `${name}: expected Ready=False matching ${message}, got ${JSON.stringify(repository.status?.conditions ?? [])}`,
      );
    }
    return repository;
  });
}

export async function eventsOf(harness: Harness, name: string): Promise<CoreV1Event[]> {
  const { items } = await harness.client.list<CoreV1Event>(
    { group: '', version: 'v1', kind: 'Event' },
    {
      namespace: harness.namespace,
      fieldSelector: `involvedObject.name=${name}`,
    },
  );
  return items;
}

/** Downloads an artifact URL and returns its bytes. */
export async function download(url: string): Promise<Buffer> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url}: ${response.status}`);
  return Buffer.from(await response.arrayBuffer());
}

/** The regular files in a .tar.gz, sorted, as the system tar lists them. */
export function filesInArchive(archive: Buffer): string[] {
  return execFileSync('tar', ['-tzf', '-'], { input: archive, encoding: 'utf8' })
    .split('\n')
    .filter((line) => line !== '' && !line.endsWith('/'))
    .sort();
}

/** One file's content from a .tar.gz. */
export function fileInArchive(archive: Buffer, path: string): string {
  return execFileSync('tar', ['-xzOf', '-', path], { input: archive, encoding: 'utf8' });
}

export function sha256(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}
