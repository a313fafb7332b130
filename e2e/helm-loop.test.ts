// Helm releases from Git, with source-controller, kustomize-controller and helm-controller each in its own process:
// a HelmRepository of real packaged charts and a HelmRelease in Git → helm ls shows it deployed; values changed in
// Git → revision 2; a broken chart version → rolled back; the HelmRelease removed from Git → uninstalled.
import { installCrds } from '@fluxion/api';
import {
  findHelmBinary,
  pollUntil,
  runHelm,
  startGitHttpServer,
  startHelmRepository,
  useTestNamespace,
  type GitHttpServer,
  type HelmRepositoryFixture,
  type TestNamespace,
} from '@fluxion/testenv';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startControllerProcess, type ControllerName, type ControllerProcess } from './support/controller-process.ts';
import { apply, conditionOf, connect, read, requestReconcile, type Cluster } from './support/kube.ts';

const HR = 'helm.toolkit.fluxcd.io/v2';

const helmRelease = (namespace: string, version: string, message: string) => `apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmRepository
metadata:
  name: charts
  namespace: ${namespace}
spec:
  interval: 10m
  url: \${REPO_URL}
---
apiVersion: ${HR}
kind: HelmRelease
metadata:
  name: web
  namespace: ${namespace}
spec:
  interval: 10m
  chart:
    spec:
      chart: web
      version: "${version}"
      sourceRef:
        kind: HelmRepository
        name: charts
  upgrade:
    remediation:
      retries: 1
  values:
    message: ${message}
`;

describe('Helm releases from Git, each controller its own process', () => {
  let env: TestNamespace;
  let cluster: Cluster;
  let git: GitHttpServer;
  let repository: HelmRepositoryFixture;
  let scratch: string;
  const controllers = new Map<ControllerName, ControllerProcess>();

  const helm = async (...args: string[]) =>
    runHelm([...args, '--kubeconfig', env.kubeconfigPath], join(scratch, 'helm-home'));
  const history = async () =>
    JSON.parse(await helm('history', 'web', '-n', env.namespace, '-o', 'json')) as Array<{
      revision: number;
      status: string;
      chart: string;
    }>;
  const commit = (version: string, message: string) => {
    const text = helmRelease(env.namespace, version, message).replace('${REPO_URL}', repository.url);
    return git.repositories.commit('platform', { 'releases/web.yaml': text });
  };
  const pushed = async () =>
    requestReconcile(cluster, 'source.toolkit.fluxcd.io/v1', 'GitRepository', 'platform', env.namespace);
  const deployedAt = (predicate: (entries: Awaited<ReturnType<typeof history>>) => boolean, what: string) =>
    pollUntil(
      what,
      async () => {
        const entries = await history().catch(() => []);
        return entries.length > 0 && predicate(entries) ? entries : undefined;
      },
      120_000,
    );

  beforeAll(async () => {
    env = await useTestNamespace('e2e-helm');
    cluster = connect(env.kubeconfigPath);
    scratch = mkdtempSync(join(tmpdir(), 'fluxion-e2e-helm-'));
    await installCrds(env.kubeConfig);
    repository = await startHelmRepository([{ name: 'web', version: '1.0.0', values: 'message: default\n' }]);
    git = await startGitHttpServer();
    git.repositories.create('platform');
    commit('1.0.x', 'from-git-v1');
    const helmPath = findHelmBinary();
    for (const [name, args] of [
      [
        'source-controller',
        [
          `--storage-path=${join(scratch, 'storage')}`,
          '--storage-addr=127.0.0.1:0',
          '--watch-all-namespaces=false',
          `--helm-path=${helmPath}`,
        ],
      ],
      ['kustomize-controller', ['--watch-all-namespaces=false']],
      [
        'helm-controller',
        ['--watch-all-namespaces=false', `--helm-path=${helmPath}`, `--helm-home=${join(scratch, 'hc-home')}`],
      ],
    ] as const) {
      controllers.set(
        name,
        await startControllerProcess(name, {
          kubeconfigPath: env.kubeconfigPath,
          logFile: join(scratch, `${name}.log`),
          env: { RUNTIME_NAMESPACE: env.namespace },
          args: [...args],
        }),
      );
    }
    await apply(cluster, [
      {
        apiVersion: 'source.toolkit.fluxcd.io/v1',
        kind: 'GitRepository',
        metadata: { name: 'platform', namespace: env.namespace },
        spec: { interval: '10m', url: git.urlOf('platform'), ref: { branch: 'main' } },
      },
      {
        apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
        kind: 'Kustomization',
        metadata: { name: 'releases', namespace: env.namespace },
        spec: {
          interval: '10m',
          path: './releases',
          prune: true,
          sourceRef: { kind: 'GitRepository', name: 'platform' },
        },
      },
    ]);
  });

  afterAll(async () => {
    for (const controller of controllers.values()) await controller.stop();
    await git?.stop();
    await repository?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('installs the chart from the HelmRepository: helm ls shows it deployed', async () => {
    await deployedAt((entries) => entries.at(-1)?.status === 'deployed', 'web deployed');
    const list = JSON.parse(await helm('ls', '-n', env.namespace, '-o', 'json')) as Array<{
      name: string;
      status: string;
      chart: string;
    }>;
    expect(list).toEqual([expect.objectContaining({ name: 'web', status: 'deployed', chart: 'web-1.0.0' })]);
    expect(JSON.parse(await helm('get', 'values', 'web', '-n', env.namespace, '-o', 'json'))).toEqual({
      message: 'from-git-v1',
    });
    const hr = await read(cluster, HR, 'HelmRelease', 'web', env.namespace);
    expect(conditionOf(hr, 'Ready')?.reason).toBe('InstallSucceeded');
  });

  it('upgrades to revision 2 when the values change in Git', async () => {
    commit('1.0.x', 'from-git-v2');
    await pushed();
    await deployedAt((entries) => entries.length === 2 && entries.at(-1)?.status === 'deployed', 'web at revision 2');
    expect(JSON.parse(await helm('get', 'values', 'web', '-n', env.namespace, '-o', 'json'))).toEqual({
      message: 'from-git-v2',
    });
  });

  it('rolls a broken chart version back, with Ready=False naming the object', async () => {
    await repository.addCharts([
      {
        name: 'web',
        version: '2.0.0',
        files: { 'templates/broken.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Broken_Name\n' },
      },
    ]);
    commit('2.0.x', 'from-git-v2');
    await pushed();
    await requestReconcile(cluster, 'source.toolkit.fluxcd.io/v1', 'HelmRepository', 'charts', env.namespace);
    const hr = await pollUntil(
      'web stalled after its rollback',
      async () => {
        const current = await read(cluster, HR, 'HelmRelease', 'web', env.namespace);
        return conditionOf(current, 'Stalled')?.status === 'True' ? current : undefined;
      },
      120_000,
    );
    expect(conditionOf(hr, 'Ready')?.message).toContain('Broken_Name');
    expect(conditionOf(hr, 'Remediated')?.reason).toBe('RollbackSucceeded');
    expect((await history()).at(-1)).toMatchObject({ status: 'deployed', chart: 'web-1.0.0' });
  });

  it('uninstalls the release when the HelmRelease leaves Git', async () => {
    git.repositories.commit('platform', { 'releases/.keep': '' }, { remove: ['releases/web.yaml'] });
    await pushed();
    await pollUntil(
      'web uninstalled',
      async () =>
        (JSON.parse(await helm('ls', '-n', env.namespace, '-o', 'json')) as unknown[]).length === 0 || undefined,
      120_000,
    );
  });
});
