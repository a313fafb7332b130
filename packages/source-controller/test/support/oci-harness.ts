// Runs the OCIRepository controller in-process against the shared control plane, scoped to one test namespace,
// with its own storage, artifact server and real registries, and the helpers the OCI tests share.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type OCIRepository, type OCIRepositorySpec, installCrds, SourceApiVersion } from '@fluxion/api';
import { createClient, createLogger, EventRecorder, type KubeClient, Manager } from '@fluxion/runtime';
import { eventually, useTestNamespace } from '@fluxion/testenv';
import { startArtifactServer, type RunningArtifactServer } from '../../src/artifact-server.ts';
import { type OCIRepositoryController, setupOCIRepositoryController } from '../../src/ocirepository-controller.ts';
import type { PullLimits } from '../../src/ocirepository-pull.ts';
import { ArtifactStorage } from '../../src/storage.ts';

export interface OciHarness {
  namespace: string;
  client: KubeClient;
  storage: ArtifactStorage;
  artifactServer: RunningArtifactServer;
  controller: OCIRepositoryController;
  logs: string[];
  stop(): Promise<void>;
}

const gvk = { group: 'source.toolkit.fluxcd.io', version: 'v1', kind: 'OCIRepository' };

export async function startOciHarness(limits?: PullLimits): Promise<OciHarness> {
  const env = await useTestNamespace('oci');
  await installCrds(env.kubeConfig);
  const client = createClient({ kubeConfig: env.kubeConfig });
  const storagePath = await mkdtemp(join(tmpdir(), 'source-controller-oci-storage-'));
  const artifactServer = await startArtifactServer({ storagePath, address: '127.0.0.1:0' });
  const storage = new ArtifactStorage({
    basePath: storagePath,
    advertisedAddress: artifactServer.url,
    retentionTtlMs: 60_000,
  });
  const logs: string[] = [];
  const logger = createLogger({ level: 'debug', destination: { write: (line: string) => logs.push(line) } });
  const manager = new Manager({
    name: 'source-controller-oci-test',
    logger,
    metricsAddress: '0',
    healthAddress: '0',
    gracefulShutdownMs: 5_000,
  });
  const controller = setupOCIRepositoryController({
    manager,
    client,
    storage,
    events: new EventRecorder(client, { reportingController: 'source-controller' }),
    namespace: env.namespace,
    concurrency: 4,
    minRetryDelayMs: 250,
    maxRetryDelayMs: 3_000,
    ...(limits ? { limits } : {}),
  });
  await manager.start();
  return {
    namespace: env.namespace,
    client,
    storage,
    artifactServer,
    controller,
    logs,
    stop: async () => {
      const { items } = await client.list<OCIRepository>(gvk, { namespace: env.namespace });
      await Promise.all(
        items.map((item) => client.deleteIfExists(ociRepositoryRef(env.namespace, item.metadata!.name!))),
      );
      await eventually(
        async () => {
          if ((await client.list(gvk, { namespace: env.namespace })).items.length > 0)
            throw new Error('OCIRepositories still being deleted');
        },
        { timeoutMs: 30_000 },
      ).catch(() => undefined);
      await manager.stop();
      await artifactServer.close();
      await rm(storagePath, { recursive: true, force: true });
    },
  };
}

export function ociRepositoryRef(namespace: string, name: string) {
  return { apiVersion: SourceApiVersion, kind: 'OCIRepository', namespace, name };
}

export async function createOCIRepository(
  harness: OciHarness,
  name: string,
  spec: Partial<OCIRepositorySpec> & { url: string },
): Promise<OCIRepository> {
  return harness.client.create<OCIRepository>({
    apiVersion: SourceApiVersion,
    kind: 'OCIRepository',
    metadata: { name, namespace: harness.namespace },
    spec: { interval: '10m', ...spec },
  });
}

export async function getOCIRepository(harness: OciHarness, name: string): Promise<OCIRepository> {
  return harness.client.get<OCIRepository>(ociRepositoryRef(harness.namespace, name));
}

function conditionOf(repository: OCIRepository, type: string) {
  return repository.status?.conditions?.find((condition) => condition.type === type);
}

export async function waitForOciReady(harness: OciHarness, name: string, revision?: string): Promise<OCIRepository> {
  return eventually(async () => {
    const repository = await getOCIRepository(harness, name);
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

/** Waits until `type` (Ready by default) is `status` on the current generation with a message matching `message`. */
export async function waitForCondition(
  harness: OciHarness,
  name: string,
  message: RegExp,
  options: { type?: string; status?: string } = {},
): Promise<OCIRepository> {
  return eventually(async () => {
    const repository = await getOCIRepository(harness, name);
    const condition = conditionOf(repository, options.type ?? 'Ready');
    if (
      condition?.status !== (options.status ?? 'False') ||
      !message.test(condition.message) ||
      repository.status?.observedGeneration !== repository.metadata?.generation
    ) {
      throw new Error(
        `${name}: expected ${options.type ?? 'Ready'}=${options.status ?? 'False'} matching ${message}, got ${JSON.stringify(repository.status?.conditions ?? [])}`,
      );
    }
    return repository;
  });
}

export async function requestOciReconcile(harness: OciHarness, name: string): Promise<OCIRepository> {
  const token = `${Date.now()}-${Math.random()}`;
  await harness.client.patch(
    ociRepositoryRef(harness.namespace, name),
    { metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': token } } },
    'merge',
  );
  return eventually(async () => {
    const repository = await getOCIRepository(harness, name);
    if (repository.status?.lastHandledReconcileAt !== token)
      throw new Error(`${name}: reconcile request ${token} not handled yet`);
    return repository;
  });
}

/** How many requests of `method` for paths containing `fragment` the registry logged (its access log). */
export function registryRequests(logFile: string, method: string, fragment: string): number {
  return readFileSync(logFile, 'utf8')
    .split('\n')
    .filter((line) => line.includes(`"${method} `) && line.includes(fragment)).length;
}

export function dockerConfigJson(host: string, username: string, password: string): string {
  return JSON.stringify({ auths: { [host]: { auth: Buffer.from(`${username}:${password}`).toString('base64') } } });
}
