// The bundles that ship (scripts/bundle: one ESM file per program, what the images and the CLI's npm package run)
// start and work: each answers --help, helm-controller's post-renderer renders, and source-, kustomize- and
// helm-controller run from their bundles sync a Git repository and install a HelmRelease on a real control plane.
// A dependency that breaks when bundled (a file found next to its module, a dynamic import, a require of a
// built-in) fails here.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { installCrds } from '@fluxion/api';
import {
  findHelmBinary,
  pollUntil,
  startGitHttpServer,
  startHelmRepository,
  type HelmRepositoryFixture,
  useTestNamespace,
  type GitHttpServer,
  type TestNamespace,
} from '@fluxion/testenv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundle, bundlePath } from '../scripts/bundle/bundle.ts';
import { bundleEntries } from '../scripts/bundle/entries.ts';
import { layOutImageApp } from '../scripts/bundle/image-app.ts';
import { startControllerProcess, type ControllerName, type ControllerProcess } from './support/controller-process.ts';
import { apply, conditionOf, connect, read, type Cluster } from './support/kube.ts';
import { fleetRepositoryFiles, fleetSyncObjects } from './support/sample-repository.ts';
import { PLATFORM_TOKEN, sopsFleet, type SopsFleet } from './support/sops-fleet.ts';

const run = promisify(execFile);
const entryOf = (name: string) => bundleEntries.find((entry) => entry.name === name)!;
const controllers = bundleEntries.filter((entry) => entry.pkg.endsWith('-controller') && entry.pkg === entry.name);

describe('the shipped bundles', () => {
  let scratch: string;

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'fluxion-bundles-'));
    for (const entry of bundleEntries) await bundle(entry);
  }, 180_000);

  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('every controller bundle prints its flags', async () => {
    expect(controllers.map((entry) => entry.name)).toHaveLength(6);
    for (const entry of controllers) {
      const { stdout, stderr } = await run(process.execPath, [bundlePath(entry), '--help']);
      expect(stdout + stderr, entry.name).toContain(`Usage of ${entry.name}:`);
      expect(stdout + stderr, entry.name).toContain('--concurrent');
    }
  });

  it("helm-controller's post-renderer bundle stamps the origin labels and runs kustomize-ts for images", async () => {
    const spec = join(scratch, 'spec.json');
    writeFileSync(
      spec,
      JSON.stringify({
        originLabels: { 'helm.toolkit.fluxcd.io/name': 'web', 'helm.toolkit.fluxcd.io/namespace': 'apps' },
        postRenderers: [{ kustomize: { images: [{ name: 'nginx', newTag: '1.27' }] } }],
      }),
    );
    const rendered = [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata: {name: web}',
      'spec:',
      '  template:',
      '    spec:',
      '      containers: [{name: web, image: nginx:1.25}]',
      '',
    ].join('\n');
    const child = execFile(process.execPath, [bundlePath(entryOf('post-renderer-main')), spec]);
    child.stdin?.end(rendered);
    let stdout = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    expect(code).toBe(0);
    expect(stdout).toContain('image: nginx:1.27');
    expect(stdout).toContain('helm.toolkit.fluxcd.io/name: web');
  });

  it('the CLI bundle answers --help and version', async () => {
    const cli = bundlePath(entryOf('fluxion'));
    expect((await run(process.execPath, [cli, '--help'])).stdout).toMatch(/^Usage: fluxion <command>/m);
    expect((await run(process.execPath, [cli, 'version', '--client'])).stdout).toMatch(/\d+\.\d+\.\d+/);
  });

  describe('source-, kustomize- and helm-controller from their bundles', () => {
    let env: TestNamespace;
    let cluster: Cluster;
    let git: GitHttpServer;
    let sops: SopsFleet;
    let charts: HelmRepositoryFixture;
    const running: ControllerProcess[] = [];

    beforeAll(async () => {
      env = await useTestNamespace('bundles');
      cluster = connect(env.kubeconfigPath);
      await installCrds(env.kubeConfig);
      git = await startGitHttpServer();
      git.repositories.create('fleet');
      sops = await sopsFleet();
      git.repositories.commit('fleet', fleetRepositoryFiles({ infraExtras: sops.infraExtras }));
      charts = await startHelmRepository([{ name: 'web', version: '1.0.0', values: 'message: from-the-chart\n' }]);
      const helmPath = findHelmBinary();
      const argsOf: Record<string, string[]> = {
        'source-controller': [
          '--storage-addr=127.0.0.1:0',
          `--storage-path=${join(scratch, 'artifacts')}`,
          `--helm-path=${helmPath}`,
        ],
        'kustomize-controller': [],
        'helm-controller': [`--helm-path=${helmPath}`, `--helm-home=${join(scratch, 'helm-home')}`],
      };
      // helm-controller runs from its image's layout (its bundles, and the plugin pointed at the post-renderer's)
      const helmApp = join(scratch, 'helm-controller-app');
      await layOutImageApp('helm-controller', helmApp);
      const programOf = (name: string) =>
        name === 'helm-controller' ? join(helmApp, 'dist', 'helm-controller.mjs') : bundlePath(entryOf(name));
      for (const [name, args] of Object.entries(argsOf)) {
        running.push(
          await startControllerProcess(name as ControllerName, {
            kubeconfigPath: env.kubeconfigPath,
            logFile: join(scratch, `${name}.log`),
            program: programOf(name),
            env: { RUNTIME_NAMESPACE: env.namespace },
            args: ['--watch-all-namespaces=false', ...args],
          }),
        );
      }
    });

    afterAll(async () => {
      for (const controller of running) await controller.stop();
      await git?.stop();
      await charts?.stop();
    });

    it("install a HelmRelease through helm and the post-renderer plugin, which runs the post-renderer's bundle", async () => {
      await apply(cluster, [
        {
          apiVersion: 'source.toolkit.fluxcd.io/v1',
          kind: 'HelmRepository',
          metadata: { name: 'charts', namespace: env.namespace },
          spec: { interval: '10m', url: charts.url },
        },
        {
          apiVersion: 'helm.toolkit.fluxcd.io/v2',
          kind: 'HelmRelease',
          metadata: { name: 'web', namespace: env.namespace },
          spec: {
            interval: '10m',
            chart: { spec: { chart: 'web', version: '1.0.0', sourceRef: { kind: 'HelmRepository', name: 'charts' } } },
            postRenderers: [
              {
                kustomize: {
                  patches: [
                    {
                      target: { kind: 'ConfigMap', name: 'web' },
                      patch:
                        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n  annotations:\n    post-rendered: "yes"\n',
                    },
                  ],
                },
              },
            ],
          },
        },
      ]);
      const ready = await pollUntil(
        'HelmRelease web Ready',
        async () => {
          const release = await read(cluster, 'helm.toolkit.fluxcd.io/v2', 'HelmRelease', 'web', env.namespace);
          return conditionOf(release, 'Ready')?.status === 'True' ? conditionOf(release, 'Ready') : undefined;
        },
        120_000,
      );
      expect(ready?.message).toMatch(/succeeded/);
      const configMap = (await read(cluster, 'v1', 'ConfigMap', 'web', env.namespace)) as {
        metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
        data?: Record<string, string>;
      };
      expect(configMap.data?.message).toBe('from-the-chart');
      expect(configMap.metadata?.annotations?.['post-rendered']).toBe('yes');
      expect(configMap.metadata?.labels?.['helm.toolkit.fluxcd.io/name']).toBe('web');
    });

    it('sync a Git repository to the cluster: an age-encrypted Secret decrypted, a CEL health check judged', async () => {
      await apply(cluster, [sops.keySecret(env.namespace)]);
      await apply(cluster, fleetSyncObjects(env.namespace, git.urlOf('fleet'), { infraSpec: sops.infraSpec }));
      const ready = await pollUntil(
        'Kustomization infra Ready',
        async () => {
          const ks = await read(cluster, 'kustomize.toolkit.fluxcd.io/v1', 'Kustomization', 'infra', env.namespace);
          return conditionOf(ks, 'Ready')?.status === 'True' ? conditionOf(ks, 'Ready') : undefined;
        },
        120_000,
      );
      expect(ready?.message).toMatch(/^Applied revision: main@sha1:[0-9a-f]{40}$/);
      const settings = await read(cluster, 'v1', 'ConfigMap', 'platform-settings', 'platform');
      expect((settings as { data?: Record<string, string> }).data?.region).toBe('local');
      const secret = await read(cluster, 'v1', 'Secret', 'platform-credentials', 'platform');
      const token = (secret as { data?: Record<string, string> }).data?.['api-token'] ?? '';
      expect(Buffer.from(token, 'base64').toString()).toBe(PLATFORM_TOKEN);
      const infra = await read(cluster, 'kustomize.toolkit.fluxcd.io/v1', 'Kustomization', 'infra', env.namespace);
      expect(conditionOf(infra, 'Healthy')?.status).toBe('True');
    });
  });
});
