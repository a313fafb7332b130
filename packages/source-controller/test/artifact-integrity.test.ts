// A stored artifact whose file no longer has the digest in status (a write torn by a crash, a file changed on disk)
// is found by the next controller process, removed with a Warning event, and built again, never served as it is.
import { readFile, writeFile } from 'node:fs/promises';
import { type GitRepository, Reason } from '@fluxion/api';
import { createLogger, Manager } from '@fluxion/runtime';
import { type GitHttpServer, startGitHttpServer } from '@fluxion/testenv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupGitRepositoryController } from '../src/gitrepository-controller.ts';
import { ArtifactStorage } from '../src/storage.ts';
import { sha256 } from './support/harness.ts';
import {
  eventsOf,
  requestSourceReconcile,
  type SourceTestEnv,
  startSourceTestEnv,
  waitForSourceReady,
} from './support/source-test-env.ts';

const kind = 'GitRepository';
let env: SourceTestEnv;
let server: GitHttpServer;
let restarted: Manager | undefined;

beforeAll(async () => {
  env = await startSourceTestEnv({
    namespacePrefix: 'sci',
    storagePrefix: 'source-controller-integrity-',
    managerName: 'source-controller-integrity',
  });
  setupGitRepositoryController(env.controllerOptions);
  await env.manager.start();
  server = await startGitHttpServer();
});
afterAll(async () => {
  // the objects go while a controller still runs, so its finalizer does not pin the namespace
  await env?.stop([kind]);
  await restarted?.stop();
  await server?.stop();
});

/** A second controller process over the same storage (it knows nothing of what the first one wrote). */
async function restartController(whileStopped: () => Promise<void>): Promise<void> {
  await env.manager.stop();
  await whileStopped();
  const logger = createLogger({ level: 'debug', destination: { write: (line: string) => env.logs.push(line) } });
  restarted = new Manager({
    name: 'source-controller-integrity-2',
    logger,
    metricsAddress: '0',
    healthAddress: '0',
    gracefulShutdownMs: 5_000,
  });
  const storage = new ArtifactStorage({
    basePath: env.storage.basePath,
    advertisedAddress: env.artifactServer.url,
    retentionTtlMs: 60_000,
  });
  setupGitRepositoryController({ ...env.controllerOptions, manager: restarted, storage });
  await restarted.start();
}

async function createRepository(name: string, content: string): Promise<GitRepository> {
  server.repositories.create(name);
  server.repositories.commit(name, { 'deploy/app.yaml': content });
  await env.client.create<GitRepository>({
    apiVersion: 'source.toolkit.fluxcd.io/v1',
    kind,
    metadata: { name, namespace: env.namespace },
    spec: { interval: '10m', url: server.urlOf(name), ref: { branch: 'main' } },
  });
  return waitForSourceReady<GitRepository>(env, kind, name);
}

describe('after a restart, the stored artifacts are checked against their digests', () => {
  let torn: GitRepository;
  let whole: GitRepository;

  beforeAll(async () => {
    torn = await createRepository('torn', 'kind: ConfigMap\n');
    whole = await createRepository('whole', 'kind: Secret\n');
    await restartController(async () => {
      const file = env.storage.localPath(torn.status!.artifact!.path);
      // half of the file, as a crash before the data reached the disk could leave it
      const content = await readFile(file);
      await writeFile(file, content.subarray(0, Math.floor(content.length / 2)));
    });
    await requestSourceReconcile<GitRepository>(env, kind, 'torn');
    await requestSourceReconcile<GitRepository>(env, kind, 'whole');
  });

  it('removes a torn artifact with a Warning event naming its file, and builds it again', async () => {
    const artifact = torn.status!.artifact!;
    const events = await eventsOf(env, 'torn');
    const warning = events.find((event) => event.reason === Reason.ArtifactVerificationFailed);
    expect(warning?.type).toBe('Warning');
    expect(warning?.message).toContain(`the file of '${artifact.path}' does not have digest ${artifact.digest}`);
    expect(sha256(await readFile(env.storage.localPath(artifact.path)))).toBe(artifact.digest);
    const after = await waitForSourceReady<GitRepository>(env, kind, 'torn');
    expect(after.status?.artifact?.digest).toBe(artifact.digest);
    expect(after.status?.artifact?.revision).toBe(artifact.revision);
  });

  it('leaves a whole artifact alone: no event, not built again', async () => {
    const after = await waitForSourceReady<GitRepository>(env, kind, 'whole');
    expect(after.status?.artifact?.lastUpdateTime).toBe(whole.status?.artifact?.lastUpdateTime);
    const events = await eventsOf(env, 'whole');
    expect(events.filter((event) => event.reason === Reason.ArtifactVerificationFailed)).toEqual([]);
  });
});
