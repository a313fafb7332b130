// A running kustomize-controller (in this process) against the test control plane, plus a fake source: tarballs
// served over HTTP and a GitRepository whose status.artifact we write ourselves, which is the whole contract.
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubernetesObject } from '@kubernetes/client-node';
import type { Kustomization, KustomizationSpec } from '@fluxion/api';
import { installCrds } from '@fluxion/api';
import { createClient, createLogger, Manager, type KubeClient } from '@fluxion/runtime';
import {
  startStaticServer,
  useTestNamespace,
  type RunningServer,
  type TestNamespace,
  deleteAllAndWait,
  pollUntil,
  sha256Digest,
  tarGz,
  filesToEntries,
} from '@fluxion/testenv';
import {
  setupKustomizationController,
  type KustomizationControllerHandle,
} from '../../src/kustomization-controller.ts';

/** A test namespace with a fake source (tarballs over HTTP, a GitRepository status we write) and no controller. */
export interface SourceFixture {
  ns: string;
  env: TestNamespace;
  client: KubeClient;
  /** Serves `files` as a new artifact of GitRepository `source` and writes its status; returns the revision. */
  publish(source: string, files: Record<string, string>, options?: { digest?: string }): Promise<string>;
  /** A GitRepository with no artifact yet. */
  createSource(source: string): Promise<void>;
  applyKustomization(name: string, spec: Partial<KustomizationSpec> & { source?: string }): Promise<void>;
  getKustomization(name: string): Promise<Kustomization | undefined>;
  get<T extends KubernetesObject>(apiVersion: string, kind: string, name: string): Promise<T | undefined>;
  /** Sets reconcile.fluxcd.io/requestedAt, as `flux reconcile` does. */
  requestReconcile(name: string): Promise<void>;
  /** Deletes the Kustomizations (while a controller still runs to finalize them) and stops the artifact server. */
  stop(): Promise<void>;
}

export interface KustomizeEnv extends SourceFixture {
  handle: KustomizationControllerHandle;
}

/** The fixture and a kustomize-controller running in this process, watching only the test namespace. */
export async function startKustomizeEnv(
  prefix: string,
  controllerOptions: { concurrency?: number } = {},
): Promise<KustomizeEnv> {
  const fixture = await startSourceFixture(prefix);
  const { ns, client } = fixture;
  const logger = createLogger({
    level: process.env['KC_TEST_LOG'] ? 'debug' : ('silent' as 'error'),
    encoding: 'json',
  });
  const manager = new Manager({ name: 'kustomize-controller-test', logger, metricsAddress: '0', healthAddress: '0' });
  const handle = setupKustomizationController(manager, {
    client,
    logger,
    concurrency: controllerOptions.concurrency ?? 4,
    minRetryDelayMs: 200,
    maxRetryDelayMs: 2_000,
    requeueDependencyMs: 2_000,
    defaultServiceAccount: '',
    noCrossNamespaceRefs: false,
    noRemoteBases: true,
    strictSubstitution: true,
    artifactFetchRetries: 1,
    healthPollIntervalMs: 250,
    namespace: ns,
  });
  await manager.start();
  return {
    ...fixture,
    handle,
    async stop() {
      await fixture.stop();
      await manager.stop();
    },
  };
}

export async function startSourceFixture(prefix: string): Promise<SourceFixture> {
  const env = await useTestNamespace(prefix);
  const ns = env.namespace;
  await installCrds(env.kubeConfig);
  const client = createClient({ kubeConfig: env.kubeConfig, qps: 500, burst: 1000 });
  const artifactDir = await mkdtemp(join(tmpdir(), 'kc-artifacts-'));
  const server: RunningServer = await startStaticServer(artifactDir);
  const gitRepository = (name: string) => ({
    apiVersion: 'source.toolkit.fluxcd.io/v1',
    kind: 'GitRepository',
    metadata: { name, namespace: ns },
  });
  const createSource = async (name: string) => {
    await client.apply(
      { ...gitRepository(name), spec: { url: `https://git.example.invalid/${name}`, interval: '1h' } },
      { fieldManager: 'test', force: true },
    );
  };
  let counter = 0;
  return {
    ns,
    env,
    client,
    createSource,
    async publish(source, files, options = {}) {
      await createSource(source);
      const archive = tarGz(filesToEntries(files));
      const commit = createHash('sha1').update(archive).update(String(counter++)).digest('hex');
      const path = `gitrepository/${ns}/${source}/${commit}.tar.gz`;
      await writeFile(join(artifactDir, `${commit}.tar.gz`), archive);
      const revision = `main@sha1:${commit}`;
      const artifact = {
        path,
        url: `${server.url}/${commit}.tar.gz`,
        revision,
        digest: options.digest ?? sha256Digest(archive),
        lastUpdateTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
        size: archive.length,
      };
      await client.apply(
        {
          ...gitRepository(source),
          status: {
            artifact,
            conditions: [
              {
                type: 'Ready',
                status: 'True',
                reason: 'Succeeded',
                message: `stored artifact for revision '${revision}'`,
                lastTransitionTime: artifact.lastUpdateTime,
              },
            ],
          },
        },
        { fieldManager: 'source-controller', force: true, subresource: 'status' },
      );
      return revision;
    },
    async applyKustomization(name, spec) {
      const { source = name, ...rest } = spec;
      await client.apply(
        {
          apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
          kind: 'Kustomization',
          metadata: { name, namespace: ns },
          spec: { interval: '10m', prune: true, sourceRef: { kind: 'GitRepository', name: source }, ...rest },
        },
        { fieldManager: 'test', force: true },
      );
    },
    getKustomization: (name) =>
      client.getIfExists<Kustomization>({
        apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
        kind: 'Kustomization',
        namespace: ns,
        name,
      }),
    get: (apiVersion, kind, name) => client.getIfExists({ apiVersion, kind, name, namespace: ns }),
    async requestReconcile(name) {
      await client.patch(
        { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', namespace: ns, name },
        { metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': new Date().toISOString() + Math.random() } } },
        'merge',
      );
    },
    async stop() {
      // Kustomizations carry our finalizer: delete them while the controller still runs, or the namespace never goes
      await deleteAllAndWait(client, { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization' }, ns);
      await server.stop();
      await rm(artifactDir, { recursive: true, force: true });
    },
  };
}

/** Polls until `check` returns a value other than undefined/false (testenv's pollUntil). */
export const eventually = pollUntil;

export function readyOf(
  kustomization: Kustomization | undefined,
): { status: string; reason: string; message: string } | undefined {
  return kustomization?.status?.conditions?.find((condition) => condition.type === 'Ready');
}

export const configMapYaml = (name: string, data: Record<string, string>, annotations: Record<string, string> = {}) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n${
    Object.keys(annotations).length
      ? `  annotations:\n${Object.entries(annotations)
          .map(([k, v]) => `    ${k}: "${v}"`)
          .join('\n')}\n`
      : ''
  }data:\n${Object.entries(data)
    .map(([k, v]) => `  ${k}: "${v}"`)
    .join('\n')}\n`;

export const deploymentYaml = (
  name: string,
  options: { replicas?: number; image?: string; nodeSelector?: Record<string, string>; containerName?: string } = {},
) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
${options.replicas === undefined ? '' : `  replicas: ${options.replicas}\n`}  selector:
    matchLabels:
      app: ${name}
  template:
    metadata:
      labels:
        app: ${name}
    spec:
${
  options.nodeSelector
    ? `      nodeSelector:\n${Object.entries(options.nodeSelector)
        .map(([k, v]) => `        ${k}: "${v}"`)
        .join('\n')}\n`
    : ''
}      containers:
      - name: ${options.containerName ?? 'app'}
        image: ${options.image ?? 'nginx:1.27'}
`;
