// Runs the GitRepository controller in-process against the shared control plane, scoped to one test namespace,
// with its own storage and artifact server, and gives tests the few helpers they share.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { eventually } from '@fluxion/testenv';
import { type GitRepository, type GitRepositorySpec, SourceApiVersion } from '@fluxion/api';
import { type GitRepositoryController, setupGitRepositoryController } from '../../src/gitrepository-controller.ts';
import {
  atRevision,
  getSource,
  requestSourceReconcile,
  type SourceTestEnv,
  sourceRef,
  startSourceTestEnv,
  waitForSourceNotReady,
  waitForSourceReady,
} from './source-test-env.ts';

export { conditionOf, createSecret, download, eventsOf, eventWithReason } from './source-test-env.ts';

export interface Harness extends Pick<
  SourceTestEnv,
  'namespace' | 'kubeconfigPath' | 'client' | 'storage' | 'artifactServer' | 'logs'
> {
  controller: GitRepositoryController;
  stop(): Promise<void>;
}

const kind = 'GitRepository';

export async function startHarness(): Promise<Harness> {
  const env = await startSourceTestEnv({
    namespacePrefix: 'sc',
    storagePrefix: 'source-controller-storage-',
    managerName: 'source-controller-test',
  });
  const controller = setupGitRepositoryController(env.controllerOptions);
  await env.manager.start();
  return { ...env, controller, stop: () => env.stop([kind]) };
}

export function gitRepositoryRef(namespace: string, name: string) {
  return sourceRef(kind, namespace, name);
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

export async function getGitRepository(harness: Harness, name: string): Promise<GitRepository> {
  return getSource<GitRepository>(harness, kind, name);
}

export { eventually };

/** Waits for Ready=True on the current generation, optionally at a given revision. */
export async function waitForReady(harness: Harness, name: string, revision?: string): Promise<GitRepository> {
  return waitForSourceReady<GitRepository>(harness, kind, name, atRevision(revision));
}

/** Sets reconcile.fluxcd.io/requestedAt and waits until the controller reports it handled. */
export async function requestReconcile(harness: Harness, name: string): Promise<GitRepository> {
  return requestSourceReconcile<GitRepository>(harness, kind, name);
}

/** Waits until Ready is False with a message matching `message`. */
export async function waitForNotReady(harness: Harness, name: string, message: RegExp): Promise<GitRepository> {
  return waitForSourceNotReady<GitRepository>(harness, kind, name, message);
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
