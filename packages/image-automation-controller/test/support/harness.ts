// Runs the ImageUpdateAutomation controller in-process against the shared control plane, scoped to one test
// namespace, and gives tests the objects they build on: GitRepositories, ImagePolicies with a chosen image
// (their status written through the status subresource: the contract with image-reflector-controller), automations.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Condition,
  type GitRepositorySpec,
  ImageApiVersion,
  type ImagePolicy,
  type ImageRef,
  type ImageUpdateAutomation,
  type ImageUpdateAutomationSpec,
  installCrds,
  SourceApiVersion,
} from '@fluxion/api';
import { createClient, createLogger, EventRecorder, type KubeClient, Manager } from '@fluxion/runtime';
import { eventually, useTestNamespace } from '@fluxion/testenv';
import type { CoreV1Event } from '@kubernetes/client-node';
import { setupImageUpdateAutomationController } from '../../src/imageupdateautomation-controller.ts';

export interface Harness {
  namespace: string;
  client: KubeClient;
  logs: string[];
  stop(): Promise<void>;
}

export async function startHarness(options: { noCrossNamespaceRefs?: boolean } = {}): Promise<Harness> {
  const env = await useTestNamespace('iac');
  await installCrds(env.kubeConfig);
  const client = createClient({ kubeConfig: env.kubeConfig });
  const logs: string[] = [];
  const logger = createLogger({ level: 'debug', destination: { write: (line: string) => logs.push(line) } });
  const manager = new Manager({
    name: 'image-automation-test',
    logger,
    metricsAddress: '0',
    healthAddress: '0',
    gracefulShutdownMs: 5_000,
  });
  setupImageUpdateAutomationController({
    manager,
    client,
    events: new EventRecorder(client, { reportingController: 'image-automation-controller' }),
    namespace: env.namespace,
    concurrency: 4,
    // Short retries keep failure tests quick; the backoff itself is the runtime's and tested there.
    minRetryDelayMs: 250,
    maxRetryDelayMs: 3_000,
    ...(options.noCrossNamespaceRefs ? { noCrossNamespaceRefs: true } : {}),
  });
  await manager.start();
  return { namespace: env.namespace, client, logs, stop: () => manager.stop() };
}

export async function createGitRepository(
  harness: Harness,
  name: string,
  spec: Partial<GitRepositorySpec> & { url: string },
): Promise<void> {
  await harness.client.create({
    apiVersion: SourceApiVersion,
    kind: 'GitRepository',
    metadata: { name, namespace: harness.namespace },
    spec: { interval: '10m', ref: { branch: 'main' }, ...spec },
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

const policyRef = (harness: Harness, name: string) => ({
  apiVersion: ImageApiVersion,
  kind: 'ImagePolicy',
  namespace: harness.namespace,
  name,
});

/** An ImagePolicy whose status says it chose `latest`, as image-reflector-controller would write it. */
export async function setPolicy(
  harness: Harness,
  name: string,
  latest: ImageRef,
  labels: Record<string, string> = {},
): Promise<void> {
  const existing = await harness.client.getIfExists<ImagePolicy>(policyRef(harness, name));
  if (!existing) {
    await harness.client.create<ImagePolicy>({
      apiVersion: ImageApiVersion,
      kind: 'ImagePolicy',
      metadata: { name, namespace: harness.namespace, labels },
      spec: { imageRepositoryRef: { name }, policy: { semver: { range: '>=0.0.0' } } },
    });
  }
  await harness.client.patch(policyRef(harness, name), { status: { latestRef: latest } }, 'merge', {
    subresource: 'status',
  });
}

export async function createAutomation(
  harness: Harness,
  name: string,
  spec: Partial<ImageUpdateAutomationSpec> & { sourceRef: ImageUpdateAutomationSpec['sourceRef'] },
): Promise<void> {
  await harness.client.create<ImageUpdateAutomation>({
    apiVersion: ImageApiVersion,
    kind: 'ImageUpdateAutomation',
    metadata: { name, namespace: harness.namespace },
    spec: {
      interval: '10m',
      git: { commit: { author: { name: 'Fluxion Bot', email: 'bot@fluxion.invalid' } } },
      ...spec,
    },
  });
}

export async function getAutomation(harness: Harness, name: string): Promise<ImageUpdateAutomation> {
  return harness.client.get<ImageUpdateAutomation>({
    apiVersion: ImageApiVersion,
    kind: 'ImageUpdateAutomation',
    namespace: harness.namespace,
    name,
  });
}

export function conditionOf(object: { status?: { conditions?: Condition[] } }, type: string): Condition | undefined {
  return object.status?.conditions?.find((condition) => condition.type === type);
}

/** Waits until the automation's Ready condition passes `check` on its current generation. */
export async function waitForAutomation(
  harness: Harness,
  name: string,
  check: (automation: ImageUpdateAutomation) => boolean,
  timeoutMs = 60_000,
): Promise<ImageUpdateAutomation> {
  return eventually(
    async () => {
      const automation = await getAutomation(harness, name);
      if (automation.status?.observedGeneration !== automation.metadata?.generation || !check(automation)) {
        throw new Error(`${name} not there yet: ${JSON.stringify(automation.status ?? {})}`);
      }
      return automation;
    },
    { timeoutMs },
  );
}

export async function requestReconcile(harness: Harness, name: string): Promise<ImageUpdateAutomation> {
  const token = `${Date.now()}-${Math.random()}`;
  await harness.client.patch(
    { apiVersion: ImageApiVersion, kind: 'ImageUpdateAutomation', namespace: harness.namespace, name },
    { metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': token } } },
    'merge',
  );
  return waitForAutomation(harness, name, (automation) => automation.status?.lastHandledReconcileAt === token);
}

export async function eventsOf(harness: Harness, name: string): Promise<CoreV1Event[]> {
  const { items } = await harness.client.list<CoreV1Event>(
    { group: '', version: 'v1', kind: 'Event' },
    { namespace: harness.namespace },
  );
  return items.filter((event) => event.involvedObject?.name === name);
}

/** Runs git in a fresh clone of `url` (a local bare repository path works) and gives back its output. */
export function inClone<T>(
  bareRepository: string,
  branch: string,
  use: (git: (args: string[]) => string, directory: string) => T,
): T {
  const directory = mkdtempSync(join(tmpdir(), 'iac-clone-'));
  try {
    const git = (args: string[]) =>
      execFileSync('git', args, { cwd: directory, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
    git(['clone', '--quiet', '--branch', branch, bareRepository, '.']);
    return use(git, directory);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

export { eventually };
