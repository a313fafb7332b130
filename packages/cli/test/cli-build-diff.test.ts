// build ks, diff ks (a local path and a git ref), logs and install against a real cluster and real controllers.
import { pollUntil, startGitHttpServer } from '@fluxion/testenv';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFluxControllers } from './controllers.ts';
import { appFiles, gitRepository, kustomization, startCliFixture, type CliFixture } from './fixture.ts';
import { runFluxion } from './run-fluxion.ts';

let fixture: CliFixture;
let controllers: { stop(): Promise<void>; logFiles: string[] };
let ns: string;
const fluxion = (...args: string[]) => runFluxion(args, { kubeconfig: fixture.env.kubeconfigPath });

function localCopy(value: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'fluxion-local-'));
  for (const [path, content] of Object.entries(appFiles(value))) {
    const file = join(dir, path.replace(/^deploy\//, ''));
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, content);
  }
  return dir;
}

beforeAll(async () => {
  fixture = await startCliFixture('cli-diff');
  ns = fixture.env.namespace;
  controllers = await startFluxControllers(fixture.env.kubeconfigPath, ns);
  await fixture.apply(gitRepository(ns, 'app', fixture.git.urlOf('app')), kustomization(ns, 'app'));
  const reconciled = await fluxion('reconcile', 'ks', 'app', '-n', ns, '--timeout', '90s');
  expect(reconciled.code, reconciled.stderr).toBe(0);
});

afterAll(async () => {
  await controllers?.stop();
  await fixture?.stop();
});

describe('build ks', () => {
  it("builds the artifact with the Kustomization's substitutions and ownership labels", async () => {
    const result = await fluxion('build', 'ks', 'app', '-n', ns);
    expect(result.code, result.stderr).toBe(0);
    const objects = parseAllDocuments(result.stdout).map(
      (doc) =>
        doc.toJS() as { kind: string; metadata: { labels: Record<string, string> }; data?: Record<string, string> },
    );
    const config = objects.find((object) => object.kind === 'ConfigMap');
    expect(config?.data).toEqual({ greeting: 'hello', region: 'eu-west-1' });
    expect(config?.metadata.labels).toMatchObject({
      'kustomize.toolkit.fluxcd.io/name': 'app',
      'kustomize.toolkit.fluxcd.io/namespace': ns,
    });
  });
});

describe('diff ks', () => {
  it('reports no changes and exits 0 when the local path matches the cluster', async () => {
    const result = await fluxion('diff', 'ks', 'app', '-n', ns, '--path', localCopy('hello'));
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('✔ no changes');
    expect(result.code).toBe(0);
  });

  it('prints a unified diff per changed object, masks Secret values, and exits 1', async () => {
    const result = await fluxion('diff', 'ks', 'app', '-n', ns, '--path', localCopy('changed'));
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`► ConfigMap/${ns}/app-config drifted`);
    expect(result.stdout).toContain('-  greeting: hello\n+  greeting: changed\n');
    expect(result.stdout).toContain(`► Secret/${ns}/app-secret drifted`);
    expect(result.stdout).toContain('-  token: "*** (before)"\n+  token: "*** (after)"\n');
    expect(result.stdout).not.toContain('s3cr3t');
    expect(result.stderr).toContain('2 objects would change');
  });

  it('--revision fetches a branch that is not merged and diffs it against the cluster', async () => {
    const feature = fixture.git.repositories.commit('app', appFiles('from-a-branch'), { branch: 'feature' });
    const result = await fluxion('diff', 'ks', 'app', '-n', ns, '--revision', 'feature');
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^\+\s+greeting: from-a-branch$/m);
    expect(result.stderr).toContain(`(feature@sha1:${feature})`);
    const missing = await fluxion('diff', 'ks', 'app', '-n', ns, '--revision', 'no-such-branch');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`cannot fetch no-such-branch from ${fixture.git.urlOf('app')}`);
  });

  it("--revision authenticates with the GitRepository's secretRef, without showing the password", async () => {
    const privateGit = await startGitHttpServer({ auth: { username: 'fleet', password: 'pa55-word' } });
    try {
      privateGit.repositories.create('private');
      privateGit.repositories.commit('private', appFiles('private-main'));
      privateGit.repositories.commit('private', appFiles('private-branch'), { branch: 'review' });
      const stringData = { username: 'fleet', password: 'pa55-word' };
      await fixture.apply(
        { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'git-auth', namespace: ns }, stringData },
        {
          ...(gitRepository(ns, 'private', privateGit.urlOf('private')) as { spec: object }),
          spec: {
            interval: '10m',
            url: privateGit.urlOf('private'),
            ref: { branch: 'main' },
            secretRef: { name: 'git-auth' },
            suspend: true,
          },
        } as never,
        kustomization(ns, 'private', {
          sourceRef: { kind: 'GitRepository', name: 'private' },
          namePrefix: 'private-',
          suspend: true,
        }),
      );
      const result = await fluxion('diff', 'ks', 'private', '-n', ns, '--revision', 'review');
      expect(result.stderr).toMatch(/review@sha1:[0-9a-f]{40}/);
      expect(result.stdout).toContain(`► ConfigMap/${ns}/private-app-config created`);
      expect(result.stdout + result.stderr).not.toContain('pa55-word');
      expect(result.code).toBe(1);
    } finally {
      await privateGit.stop();
    }
  });

  it('shows what pruning would delete when a file is removed', async () => {
    const dir = localCopy('hello');
    writeFileSync(
      join(dir, 'kustomization.yaml'),
      'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [config.yaml]\n',
    );
    const result = await fluxion('diff', 'ks', 'app', '-n', ns, '--path', dir);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`► Secret/${ns}/app-secret deleted`);
  });
});

describe('logs', () => {
  it("filters the controllers' logs to one object", async () => {
    await pollUntil('kustomize-controller logged about app', async () => {
      const result = await fluxion(
        'logs',
        '--kind',
        'Kustomization',
        '--name',
        'app',
        '-n',
        ns,
        ...controllers.logFiles.flatMap((file) => ['--log-file', file]),
      );
      return result.stdout.includes(`Kustomization/${ns}/app`) ? result : undefined;
    });
    const result = await fluxion(
      'logs',
      '--kind',
      'Kustomization',
      '--name',
      'app',
      '-n',
      ns,
      ...controllers.logFiles.flatMap((file) => ['--log-file', file]),
    );
    const lines = result.stdout.trim().split('\n');
    expect(lines.every((line) => line.includes(`Kustomization/${ns}/app `))).toBe(true);
    expect(result.stdout).toMatch(/Reconciliation finished/);
  });
});

describe('install', () => {
  it('--export renders the chart with only the chosen controllers', async () => {
    const result = await fluxion('install', '--components', 'source', '--export', '-n', 'fluxion-system');
    expect(result.code, result.stderr).toBe(0);
    const kinds = parseAllDocuments(result.stdout).map(
      (doc) => doc.toJS() as { kind?: string; metadata?: { name?: string } } | null,
    );
    const deployments = kinds.filter((object) => object?.kind === 'Deployment').map((object) => object?.metadata?.name);
    expect(deployments).toEqual(['source-controller']);
    const unknown = await fluxion('install', '--components', 'sorce', '--export');
    expect(unknown).toMatchObject({ code: 2, stderr: expect.stringContaining('did you mean "source"') });
  });
});

describe('completion', () => {
  it('prints a bash script, and completes commands, kinds and object names', async () => {
    const script = await fluxion('completion', 'bash');
    expect(script.stdout).toContain('complete -o default -F _fluxion fluxion');
    expect((await fluxion('__complete', 'rec')).stdout.split('\n')).toContain('reconcile');
    expect((await fluxion('__complete', 'get', 'source', '')).stdout.split('\n')).toContain('git');
    expect((await fluxion('__complete', 'reconcile', 'ks', '-n', ns, '')).stdout.trim().split('\n')).toEqual([
      'app',
      'private',
    ]);
  });
});
