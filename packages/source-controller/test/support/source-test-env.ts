// What every in-process source-controller harness starts: a test namespace with the CRDs, a client, storage behind a
// real artifact server, a manager whose log lines tests read; and the waits on a source object they share.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CoreV1Event } from '@kubernetes/client-node';
import { installCrds, SourceApiVersion } from '@fluxion/api';
import { createClient, createLogger, EventRecorder, type KubeClient, Manager } from '@fluxion/runtime';
import { deleteAllAndWait, eventually, useTestNamespace } from '@fluxion/testenv';
import { startArtifactServer, type RunningArtifactServer } from '../../src/artifact-server.ts';
import type { SourceObject } from '../../src/source-run.ts';
import { ArtifactStorage } from '../../src/storage.ts';

/** Where a source object lives: the test's client and namespace. */
export interface SourceScope {
  client: KubeClient;
  namespace: string;
}

export interface SourceTestEnv extends SourceScope {
  kubeconfigPath: string;
  storage: ArtifactStorage;
  artifactServer: RunningArtifactServer;
  manager: Manager;
  /** Every log line the controllers wrote, as text. */
  logs: string[];
  /** What every source controller's setup takes: the test namespace only, and short retries. */
  controllerOptions: {
    manager: Manager;
    client: KubeClient;
    storage: ArtifactStorage;
    events: EventRecorder;
    namespace: string;
    concurrency: number;
    minRetryDelayMs: number;
    maxRetryDelayMs: number;
  };
  /** Deletes the objects of `kinds` while the controllers still run (finalizers), then stops everything. */
  stop(kinds: readonly string[]): Promise<void>;
}

export async function startSourceTestEnv(options: {
  namespacePrefix: string;
  storagePrefix: string;
  managerName: string;
}): Promise<SourceTestEnv> {
  const env = await useTestNamespace(options.namespacePrefix);
  await installCrds(env.kubeConfig);
  const client = createClient({ kubeConfig: env.kubeConfig });
  const storagePath = await mkdtemp(join(tmpdir(), options.storagePrefix));
  const artifactServer = await startArtifactServer({ storagePath, address: '127.0.0.1:0' });
  const storage = new ArtifactStorage({
    basePath: storagePath,
    advertisedAddress: artifactServer.url,
    retentionTtlMs: 60_000,
  });
  const logs: string[] = [];
  const logger = createLogger({ level: 'debug', destination: { write: (line: string) => logs.push(line) } });
  const manager = new Manager({
    name: options.managerName,
    logger,
    metricsAddress: '0',
    healthAddress: '0',
    gracefulShutdownMs: 5_000,
  });
  const scope = { client, namespace: env.namespace };
  return {
    ...scope,
    kubeconfigPath: env.kubeconfigPath,
    storage,
    artifactServer,
    manager,
    logs,
    controllerOptions: {
      manager,
      client,
      storage,
      events: new EventRecorder(client, { reportingController: 'source-controller' }),
      namespace: env.namespace,
      concurrency: 4,
      // Short retries keep failure tests quick; the backoff itself is the runtime's and tested there.
      minRetryDelayMs: 250,
      maxRetryDelayMs: 3_000,
    },
    stop: async (kinds) => {
      // Deleted while the controllers still run, so their finalizers do not pin the namespace.
      for (const kind of kinds)
        await deleteAllAndWait(client, { apiVersion: SourceApiVersion, kind }, env.namespace, 30_000);
      await manager.stop();
      await artifactServer.close();
      await rm(storagePath, { recursive: true, force: true });
    },
  };
}

export function sourceRef(kind: string, namespace: string, name: string) {
  return { apiVersion: SourceApiVersion, kind, namespace, name };
}

export async function getSource<T extends SourceObject>(scope: SourceScope, kind: string, name: string): Promise<T> {
  return scope.client.get<T>(sourceRef(kind, scope.namespace, name));
}

export function conditionOf(object: SourceObject, type: string) {
  return object.status?.conditions?.find((condition) => condition.type === type);
}

/** Waits for Ready=True on the current generation, and for `accept` (e.g. a revision) when given. */
export async function waitForSourceReady<T extends SourceObject>(
  scope: SourceScope,
  kind: string,
  name: string,
  accept?: (object: T) => boolean,
): Promise<T> {
  return eventually(async () => {
    const object = await getSource<T>(scope, kind, name);
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

/** Ready=True at `revision` (any revision when undefined). */
export function atRevision(revision: string | undefined): (object: SourceObject) => boolean {
  return (object) => revision === undefined || object.status?.artifact?.revision === revision;
}

/** Waits until Ready is False with a message matching `message`. */
export async function waitForSourceNotReady<T extends SourceObject>(
  scope: SourceScope,
  kind: string,
  name: string,
  message: RegExp,
): Promise<T> {
  return eventually(async () => {
    const object = await getSource<T>(scope, kind, name);
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
export async function requestSourceReconcile<T extends SourceObject>(
  scope: SourceScope,
  kind: string,
  name: string,
): Promise<T> {
  const token = `${Date.now()}-${Math.random()}`;
  await scope.client.patch(
    sourceRef(kind, scope.namespace, name),
    { metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': token } } },
    'merge',
  );
  return eventually(async () => {
    const object = await getSource<T>(scope, kind, name);
    if (object.status?.lastHandledReconcileAt !== token)
      throw new Error(`${name}: reconcile request ${token} not handled yet`);
    return object;
  });
}

export async function createSecret(
  scope: SourceScope,
  name: string,
  stringData: Record<string, string>,
  type?: string,
): Promise<void> {
  await scope.client.create({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace: scope.namespace },
    stringData,
    ...(type ? { type } : {}),
  } as never);
}

/** The first event with `reason` about `name`, waited for: a NewArtifact is recorded just after Ready is written. */
export async function eventWithReason(scope: SourceScope, name: string, reason: string): Promise<CoreV1Event> {
  return eventually(async () => {
    const event = (await eventsOf(scope, name)).find((candidate) => candidate.reason === reason);
    if (!event) throw new Error(`no ${reason} event about ${name} yet`);
    return event;
  });
}

export async function eventsOf(scope: SourceScope, name: string): Promise<CoreV1Event[]> {
  const { items } = await scope.client.list<CoreV1Event>(
    { group: '', version: 'v1', kind: 'Event' },
    { namespace: scope.namespace, fieldSelector: `involvedObject.name=${name}` },
  );
  return items;
}

/** Downloads an artifact URL and returns its bytes. */
export async function download(url: string): Promise<Buffer> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url}: ${response.status}`);
  return Buffer.from(await response.arrayBuffer());
}
