// Runs the OCIRepository controller in-process against the shared control plane, scoped to one test namespace,
// with its own storage, artifact server and real registries, and the helpers the OCI tests share.
import { readFileSync } from 'node:fs';
import { type OCIRepository, type OCIRepositorySpec, SourceApiVersion } from '@fluxion/api';
import { eventually } from '@fluxion/testenv';
import { type OCIRepositoryController, setupOCIRepositoryController } from '../../src/ocirepository-controller.ts';
import type { PullLimits } from '../../src/ocirepository-pull.ts';
import {
  atRevision,
  conditionOf,
  getSource,
  requestSourceReconcile,
  type SourceTestEnv,
  sourceRef,
  startSourceTestEnv,
  waitForSourceReady,
} from './source-test-env.ts';

export interface OciHarness extends Pick<
  SourceTestEnv,
  'namespace' | 'client' | 'storage' | 'artifactServer' | 'logs'
> {
  controller: OCIRepositoryController;
  stop(): Promise<void>;
}

const kind = 'OCIRepository';

export async function startOciHarness(limits?: PullLimits): Promise<OciHarness> {
  const env = await startSourceTestEnv({
    namespacePrefix: 'oci',
    storagePrefix: 'source-controller-oci-storage-',
    managerName: 'source-controller-oci-test',
  });
  const controller = setupOCIRepositoryController({ ...env.controllerOptions, ...(limits ? { limits } : {}) });
  await env.manager.start();
  return { ...env, controller, stop: () => env.stop([kind]) };
}

export function ociRepositoryRef(namespace: string, name: string) {
  return sourceRef(kind, namespace, name);
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
  return getSource<OCIRepository>(harness, kind, name);
}

export async function waitForOciReady(harness: OciHarness, name: string, revision?: string): Promise<OCIRepository> {
  return waitForSourceReady<OCIRepository>(harness, kind, name, atRevision(revision));
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
  return requestSourceReconcile<OCIRepository>(harness, kind, name);
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
