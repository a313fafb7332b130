// The real flux CLI (v2.9.5) driving Fluxion's controllers, each its own process: what Flux users type works unchanged.
import { installCrds } from '@fluxion/api';
import {
  pollUntil,
  startGitHttpServer,
  startOciRegistry,
  useTestNamespace,
  type GitHttpServer,
  type TestNamespace,
} from '@fluxion/testenv';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startControllerProcess, type ControllerProcess } from './support/controller-process.ts';
import { findFlux, runFlux } from './support/flux-cli.ts';
import { apply, conditionOf, connect, read, type Cluster } from './support/kube.ts';
import { runFluxion } from '../packages/cli/test/run-fluxion.ts';

const KS = 'kustomize.toolkit.fluxcd.io/v1';
const yaml = (...docs: object[]): string => docs.map((doc) => stringify(doc)).join('---\n');

/** infra applies a ConfigMap and the `apps` Kustomization (nested, for flux tree); apps applies a Deployment and a Service. */
function repositoryFiles(greeting: string): Record<string, string> {
  return {
    'infra/kustomization.yaml': yaml({
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      resources: ['settings.yaml', 'apps.yaml'],
    }),
    'infra/settings.yaml': yaml({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'platform-settings' },
      data: { greeting },
    }),
    'infra/apps.yaml': yaml({
      apiVersion: KS,
      kind: 'Kustomization',
      metadata: { name: 'apps' },
      spec: {
        interval: '10m',
        path: './apps',
        prune: true,
        targetNamespace: '${NS}',
        sourceRef: { kind: 'GitRepository', name: 'fleet' },
      },
    }),
    'apps/kustomization.yaml': yaml({
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      resources: ['deployment.yaml', 'service.yaml'],
    }),
    'apps/deployment.yaml': yaml({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'podinfo' },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'podinfo' } },
        template: {
          metadata: { labels: { app: 'podinfo' } },
          spec: { containers: [{ name: 'podinfo', image: 'ghcr.io/stefanprodan/podinfo:6.5.0' }] },
        },
      },
    }),
    'apps/service.yaml': yaml({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'podinfo' },
      spec: { selector: { app: 'podinfo' }, ports: [{ port: 80 }] },
    }),
  };
}

describe('the flux CLI against Fluxion', () => {
  let env: TestNamespace;
  let ns: string;
  let cluster: Cluster;
  let git: GitHttpServer;
  let scratch: string;
  let head: string;
  let flux: string;
  const controllers: ControllerProcess[] = [];
  const run = (...args: string[]) => runFlux(flux, args, env.kubeconfigPath);
  const readyAt = (name: string, commit: string) =>
    pollUntil(
      `Kustomization ${name} Ready at ${commit.slice(0, 7)}`,
      async () => {
        const ks = await read<{ metadata?: object; status?: { lastAppliedRevision?: string } }>(
          cluster,
          KS,
          'Kustomization',
          name,
          ns,
        );
        return conditionOf(ks, 'Ready')?.status === 'True' && ks?.status?.lastAppliedRevision === `main@sha1:${commit}`
          ? ks
          : undefined;
      },
      90_000,
    );

  beforeAll(async () => {
    flux = findFlux();
    env = await useTestNamespace('flux-cli');
    ns = env.namespace;
    cluster = connect(env.kubeconfigPath);
    scratch = mkdtempSync(join(tmpdir(), 'fluxion-flux-cli-'));
    await installCrds(env.kubeConfig);
    git = await startGitHttpServer();
    git.repositories.create('fleet');
    head = git.repositories.commit('fleet', repositoryFiles('hello'));
    const processEnv = { RUNTIME_NAMESPACE: ns };
    controllers.push(
      await startControllerProcess('source-controller', {
        kubeconfigPath: env.kubeconfigPath,
        logFile: join(scratch, 'source-controller.log'),
        env: processEnv,
        args: [
          `--storage-path=${join(scratch, 'storage')}`,
          '--storage-addr=127.0.0.1:0',
          '--watch-all-namespaces=false',
        ],
      }),
      await startControllerProcess('kustomize-controller', {
        kubeconfigPath: env.kubeconfigPath,
        logFile: join(scratch, 'kustomize-controller.log'),
        env: processEnv,
        args: ['--watch-all-namespaces=false'],
      }),
    );
    await apply(cluster, [
      {
        apiVersion: 'source.toolkit.fluxcd.io/v1',
        kind: 'GitRepository',
        metadata: { name: 'fleet', namespace: ns },
        spec: { interval: '10m', url: git.urlOf('fleet'), ref: { branch: 'main' } },
      },
      {
        apiVersion: KS,
        kind: 'Kustomization',
        metadata: { name: 'infra', namespace: ns },
        spec: {
          interval: '10m',
          path: './infra',
          prune: true,
          targetNamespace: ns,
          sourceRef: { kind: 'GitRepository', name: 'fleet' },
          postBuild: { substitute: { NS: ns } },
        },
      },
    ]);
    await readyAt('infra', head);
    await readyAt('apps', head);
  });

  afterAll(async () => {
    for (const controller of controllers) await controller.stop();
    await git?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('flux get sources git -A lists the GitRepository as ready, with its revision', async () => {
    const result = await run('get', 'sources', 'git', '-A');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^NAMESPACE\s+NAME\s+REVISION\s+SUSPENDED\s+READY\s+MESSAGE/);
    // flux shortens revisions to 8 hex digits in tables
    const short = `main@sha1:${head.slice(0, 8)}`;
    expect(result.stdout).toMatch(
      new RegExp(`^${ns}\\s+fleet\\s+${short}\\s+False\\s+True\\s+stored artifact for revision '${short}'`, 'm'),
    );
  });

  it('flux get kustomizations -A lists both Kustomizations as applied', async () => {
    const result = await run('get', 'kustomizations', '-A');
    expect(result.code, result.stderr).toBe(0);
    for (const name of ['apps', 'infra']) {
      const short = `main@sha1:${head.slice(0, 8)}`;
      expect(result.stdout).toMatch(
        new RegExp(`^${ns}\\s+${name}\\s+${short}\\s+False\\s+True\\s+Applied revision: ${short}`, 'm'),
      );
    }
  });

  it('flux reconcile ks --with-source fetches a new commit and applies it', async () => {
    head = git.repositories.commit('fleet', repositoryFiles('reconciled'));
    const result = await run('reconcile', 'ks', 'infra', '--with-source', '-n', ns);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(`fetched revision main@sha1:${head}`);
    expect(result.stderr).toContain(`applied revision main@sha1:${head}`);
    const settings = await read<{ metadata?: object; data?: Record<string, string> }>(
      cluster,
      'v1',
      'ConfigMap',
      'platform-settings',
      ns,
    );
    expect(settings?.data?.['greeting']).toBe('reconciled');
  });

  it('flux suspend and resume', async () => {
    const suspended = await run('suspend', 'ks', 'apps', '-n', ns);
    expect(suspended.code, suspended.stderr).toBe(0);
    expect(suspended.stderr).toContain('suspending kustomization apps');
    const listed = await run('get', 'ks', 'apps', '-n', ns);
    expect(listed.stdout).toMatch(/^apps\s+\S+\s+True\s/m);
    const resumed = await run('resume', 'ks', 'apps', '-n', ns);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain(`applied revision main@sha1:${head}`);
  });

  it('flux tree ks shows the inventory with the nested Kustomization expanded', async () => {
    const result = await run('tree', 'ks', 'infra', '-n', ns);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`Kustomization/${ns}/infra`);
    expect(result.stdout).toContain(`ConfigMap/${ns}/platform-settings`);
    expect(result.stdout).toMatch(new RegExp(`Kustomization/${ns}/apps\\n.*[├└]── (Service|Deployment)/${ns}/podinfo`));
  });

  it("flux events shows the controllers' events", async () => {
    const result = await run('events', '-n', ns);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE/);
    expect(result.stdout).toMatch(/Kustomization\/infra/);
    expect(result.stdout).toMatch(/GitRepository\/fleet/);
    const one = await run('events', '--for', 'Kustomization/apps', '-n', ns);
    expect(one.stdout).toMatch(/Kustomization\/apps/);
    expect(one.stdout).not.toMatch(/Kustomization\/infra/);
  });

  it('flux stats counts the objects per kind', async () => {
    const result = await run('stats', '-n', ns);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^RECONCILERS\s+RUNNING\s+FAILING\s+SUSPENDED\s+STORAGE/);
    expect(result.stdout).toMatch(/^GitRepository\s+1\s+0\s+0\s+\d/m);
    expect(result.stdout).toMatch(/^Kustomization\s+2\s+0\s+0\s+-/m);
  });

  it('flux trace follows a Deployment back to its Kustomization and source', async () => {
    const result = await run('trace', 'podinfo', '--kind', 'Deployment', '--api-version', 'apps/v1', '-n', ns);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/Kustomization:\s+apps/);
    expect(result.stdout).toMatch(/GitRepository:\s+fleet/);
    expect(result.stdout).toContain(`main@sha1:${head}`);
  });

  it('flux build ks and flux diff ks see what the controller applied: no drift for the same files, a diff for new ones', async () => {
    const dir = join(scratch, 'apps-local');
    for (const [path, content] of Object.entries(repositoryFiles('reconciled'))) {
      if (!path.startsWith('apps/')) continue;
      mkdirSync(join(dir, path, '..'), { recursive: true });
      writeFileSync(join(dir, path), content);
    }
    const built = await run('build', 'ks', 'apps', '-n', ns, '--path', dir);
    expect(built.code, built.stderr).toBe(0);
    expect(built.stdout).toContain('kustomize.toolkit.fluxcd.io/name: apps');
    const same = await run('diff', 'ks', 'apps', '-n', ns, '--path', dir);
    expect(same.stderr + same.stdout).not.toMatch(/drifted|created|deleted/);
    expect(same.code, same.stdout + same.stderr).toBe(0);
    writeFileSync(
      join(dir, 'apps', 'service.yaml'),
      yaml({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'podinfo' },
        spec: { selector: { app: 'podinfo' }, ports: [{ port: 8080 }] },
      }),
    );
    const changed = await run('diff', 'ks', 'apps', '-n', ns, '--path', dir);
    expect(changed.code).toBe(1);
    expect(changed.stdout).toContain(`Service/${ns}/podinfo drifted`);
  });

  it('artifacts cross over: flux pulls what fluxion pushed, and an OCIRepository serves what flux pushed', async () => {
    const registry = await startOciRegistry();
    try {
      const dir = join(scratch, 'artifact');
      mkdirSync(join(dir, 'app'), { recursive: true });
      writeFileSync(
        join(dir, 'app', 'config.yaml'),
        yaml({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'shipped' }, data: { by: 'oci' } }),
      );
      const ours = await runFluxion([
        'push',
        'artifact',
        `oci://${registry.host}/fleet/ours:v1`,
        '--path',
        dir,
        '--source',
        'https://git.example.com/fleet',
        '--revision',
        'main@sha1:abc',
        '--insecure-registry',
      ]);
      expect(ours.code, ours.stderr).toBe(0);
      const pulled = join(scratch, 'pulled-by-flux');
      mkdirSync(pulled);
      const fluxPull = await run(
        'pull',
        'artifact',
        `oci://${registry.host}/fleet/ours:v1`,
        '--output',
        pulled,
        '--insecure-registry',
      );
      expect(fluxPull.code, fluxPull.stderr).toBe(0);
      expect(fluxPull.stderr).toContain('source https://git.example.com/fleet');
      expect(readFileSync(join(pulled, 'app', 'config.yaml'), 'utf8')).toContain('name: shipped');

      const theirs = await run(
        'push',
        'artifact',
        `oci://${registry.host}/fleet/theirs:v2`,
        '--path',
        dir,
        '--source',
        'https://git.example.com/fleet',
        '--revision',
        'main@sha1:def',
        '--insecure-registry',
      );
      expect(theirs.code, theirs.stderr).toBe(0);
      await apply(cluster, [
        {
          apiVersion: 'source.toolkit.fluxcd.io/v1',
          kind: 'OCIRepository',
          metadata: { name: 'theirs', namespace: ns },
          spec: { interval: '10m', url: `oci://${registry.host}/fleet/theirs`, ref: { tag: 'v2' }, insecure: true },
        },
      ]);
      const reconciled = await run('reconcile', 'source', 'oci', 'theirs', '-n', ns);
      expect(reconciled.code, reconciled.stderr).toBe(0);
      const listed = await run('get', 'sources', 'oci', '-n', ns);
      expect(listed.stdout).toMatch(
        /^theirs\s+v2@sha256:[0-9a-f]{8}\s+False\s+True\s+stored artifact for digest 'v2@sha256:[0-9a-f]{8}'/m,
      );
    } finally {
      await registry.stop();
    }
  });

  it('flux export prints the objects as YAML without status', async () => {
    const result = await run('export', 'ks', '--all', '-n', ns);
    expect(result.code, result.stderr).toBe(0);
    const docs = parseAllDocuments(result.stdout)
      .map((doc) => doc.toJS() as { kind?: string; metadata?: { name?: string }; status?: unknown } | null)
      .filter(Boolean);
    expect(docs.map((doc) => doc?.metadata?.name ?? '').sort((a, b) => a.localeCompare(b))).toEqual(['apps', 'infra']);
    expect(docs.every((doc) => doc?.kind === 'Kustomization' && doc.status === undefined)).toBe(true);
    const source = await run('export', 'source', 'git', 'fleet', '-n', ns);
    expect(source.stdout).toContain(`url: ${git.urlOf('fleet')}`);
  });
});
