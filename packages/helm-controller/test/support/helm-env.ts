// A test namespace with chart artifacts served over HTTP, HelmCharts whose status the test writes as
// source-controller would, the real helm binary, and helm-controller running in this process.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { HelmRelease, HelmReleaseSpec } from '@fluxion/api';
import { installCrds } from '@fluxion/api';
import { createClient, createLogger, Manager, type KubeClient } from '@fluxion/runtime';
import {
  deleteAllAndWait,
  findHelmBinary,
  sha256Digest,
  sharedKubeconfigPath,
  startStaticServer,
  useTestNamespace,
  type RunningServer,
  type TestNamespace,
} from '@fluxion/testenv';
import { findHelmHelper } from '../../src/helm-helper-binary.ts';
import { setupHelmReleaseController, type HelmReleaseControllerHandle } from '../../src/helmrelease-controller.ts';
import { packageChart, type ChartOptions } from './charts.ts';

const execFileAsync = promisify(execFile);

export interface HelmEnv {
  ns: string;
  env: TestNamespace;
  client: KubeClient;
  handle: HelmReleaseControllerHandle;
  /** Packages a chart and makes it the artifact of HelmChart `name` (created if needed). */
  publishChart(name: string, chart: ChartOptions): Promise<string>;
  /** Writes a ready artifact of `chart` into the status of an existing HelmChart (as source-controller would). */
  publishArtifactOf(helmChart: { namespace: string; name: string }, chart: ChartOptions, kind?: string): Promise<void>;
  /** Creates an OCIRepository or ExternalArtifact whose artifact is the packaged chart. */
  publishSource(kind: 'OCIRepository' | 'ExternalArtifact', name: string, chart: ChartOptions): Promise<void>;
  applyRelease(name: string, spec: Partial<HelmReleaseSpec>): Promise<void>;
  getRelease(name: string): Promise<HelmRelease | undefined>;
  requestReconcile(name: string, annotation?: string): Promise<string>;
  /** Runs the real helm CLI against the test cluster; returns stdout. */
  helm(...args: string[]): Promise<string>;
  stop(): Promise<void>;
}

export async function startHelmEnv(
  prefix: string,
  controllerOptions: { concurrency?: number; defaultServiceAccount?: string } = {},
): Promise<HelmEnv> {
  const env = await useTestNamespace(prefix);
  const ns = env.namespace;
  await installCrds(env.kubeConfig);
  const client = createClient({ kubeConfig: env.kubeConfig, qps: 500, burst: 1000 });
  const artifactDir = await mkdtemp(join(tmpdir(), 'hc-artifacts-'));
  const helmHome = await mkdtemp(join(tmpdir(), 'hc-helm-home-'));
  const server: RunningServer = await startStaticServer(artifactDir);
  const logger = createLogger({
    level: process.env['HC_TEST_LOG'] ? 'debug' : ('silent' as 'error'),
    encoding: 'json',
  });
  const manager = new Manager({ name: 'helm-controller-test', logger, metricsAddress: '0', healthAddress: '0' });
  const handle = setupHelmReleaseController(manager, {
    client,
    logger,
    concurrency: controllerOptions.concurrency ?? 4,
    minRetryDelayMs: 200,
    maxRetryDelayMs: 2_000,
    requeueDependencyMs: 1_000,
    defaultServiceAccount: controllerOptions.defaultServiceAccount ?? '',
    noCrossNamespaceRefs: false,
    helmPath: findHelmBinary(),
    // the SDK helper as the controller runs by default; HC_TEST_ENGINE=cli runs the same tests on a helm process each
    helperPath: process.env['HC_TEST_ENGINE'] === 'cli' ? undefined : requiredHelper(),
    helmHome,
    artifactFetchRetries: 1,
    kubeconfigPath: sharedKubeconfigPath(),
    healthPollIntervalMs: 250,
    namespace: ns,
  });
  await manager.start();
  let counter = 0;
  const helmEnv = {
    ...process.env,
    KUBECONFIG: sharedKubeconfigPath(),
    HELM_CACHE_HOME: join(helmHome, 'cli'),
    HELM_CONFIG_HOME: join(helmHome, 'cli'),
    HELM_DATA_HOME: join(helmHome, 'cli'),
  };
  const publishArtifactOf = async (
    helmChart: { namespace: string; name: string },
    chart: ChartOptions,
    kind = 'HelmChart',
  ) => {
    const archive = await packageChart(chart);
    const file = `${helmChart.name}-${chart.version}-${counter++}.tgz`;
    await writeFile(join(artifactDir, file), archive);
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const artifact = {
      path: `helmchart/${helmChart.namespace}/${helmChart.name}/${file}`,
      url: `${server.url}/${file}`,
      revision: chart.version,
      digest: sha256Digest(archive),
      lastUpdateTime: now,
      size: archive.length,
    };
    await client.apply(
      {
        apiVersion: 'source.toolkit.fluxcd.io/v1',
        kind,
        metadata: { name: helmChart.name, namespace: helmChart.namespace },
        status: {
          artifact,
          conditions: [
            {
              type: 'Ready',
              status: 'True',
              reason: 'ChartPullSucceeded',
              message: `pulled '${chart.name ?? 'small'}' chart with version '${chart.version}'`,
              lastTransitionTime: now,
            },
          ],
        },
      },
      { fieldManager: 'source-controller', force: true, subresource: 'status' },
    );
  };
  return {
    ns,
    env,
    client,
    handle,
    async publishChart(name, chart) {
      await client.apply(
        {
          apiVersion: 'source.toolkit.fluxcd.io/v1',
          kind: 'HelmChart',
          metadata: { name, namespace: ns },
          spec: {
            chart: chart.name ?? 'small',
            version: '*',
            sourceRef: { kind: 'HelmRepository', name: 'charts' },
            interval: '1h',
          },
        },
        { fieldManager: 'test', force: true },
      );
      await publishArtifactOf({ namespace: ns, name }, chart);
      return chart.version;
    },
    publishArtifactOf,
    async publishSource(kind, name, chart) {
      const spec =
        kind === 'OCIRepository' ? { interval: '1h', url: 'oci://registry.example.invalid/charts/small' } : {};
      await client.apply(
        { apiVersion: 'source.toolkit.fluxcd.io/v1', kind, metadata: { name, namespace: ns }, spec },
        { fieldManager: 'test', force: true },
      );
      await publishArtifactOf({ namespace: ns, name }, chart, kind);
    },
    async applyRelease(name, spec) {
      await client.apply(
        {
          apiVersion: 'helm.toolkit.fluxcd.io/v2',
          kind: 'HelmRelease',
          metadata: { name, namespace: ns },
          spec: { interval: '10m', ...spec },
        },
        { fieldManager: 'test', force: true },
      );
    },
    getRelease: (name) =>
      client.getIfExists<HelmRelease>({
        apiVersion: 'helm.toolkit.fluxcd.io/v2',
        kind: 'HelmRelease',
        namespace: ns,
        name,
      }),
    async requestReconcile(name, annotation = 'reconcile.fluxcd.io/requestedAt') {
      const value = `${new Date().toISOString()}-${counter++}`;
      await client.patch(
        { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', namespace: ns, name },
        { metadata: { annotations: { [annotation]: value } } },
        'merge',
      );
      return value;
    },
    async helm(...args) {
      const { stdout } = await execFileAsync(findHelmBinary(), args, { env: helmEnv });
      return stdout;
    },
    async stop() {
      await deleteAllAndWait(client, { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease' }, ns);
      await manager.stop();
      await server.stop();
      await rm(artifactDir, { recursive: true, force: true });
      await rm(helmHome, { recursive: true, force: true });
    },
  };
}

export function conditionOf(
  hr: HelmRelease | undefined,
  type: string,
): { status: string; reason: string; message: string } | undefined {
  return hr?.status?.conditions?.find((condition) => condition.type === type);
}

export interface HelmListEntry {
  name: string;
  namespace: string;
  revision: string;
  status: string;
  chart: string;
  app_version: string;
}

function requiredHelper(): string {
  const path = findHelmHelper();
  if (!path)
    throw new Error('fluxion-helm-helper is not built: run make setup (packages/helm-controller/helper/build.sh)');
  return path;
}
