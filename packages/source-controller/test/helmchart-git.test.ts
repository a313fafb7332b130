// HelmChart from a GitRepository: the chart at a path in the artifact, packaged by the real helm with its
// dependencies, values files from the artifact root, both reconcile strategies, and a broken Chart.yaml.
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GitRepository, HelmChart } from '@fluxion/api';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type GitHttpServer, runHelm, startGitHttpServer, startHelmRepository, writeChart } from '@fluxion/testenv';
import {
  conditionOf,
  createSecret,
  createSource,
  download,
  eventsOf,
  eventWithReason,
  requestReconcile,
  type SourcesHarness,
  startSourcesHarness,
  waitForNotReady,
  waitForReady,
} from './support/sources-harness.ts';

const kind = 'HelmChart';
let harness: SourcesHarness;
let git: GitHttpServer;

const appChart = (version: string) =>
  `apiVersion: v2\nname: app\nversion: ${version}\ndependencies:\n  - name: lib\n    version: 0.1.0\n    repository: file://../lib\n`;
const files = {
  'charts/app/Chart.yaml': appChart('1.0.0'),
  'charts/app/values.yaml': 'replicaCount: 1\nimage:\n  tag: dev\n',
  'charts/app/templates/configmap.yaml':
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\ndata:\n  tag: {{ .Values.image.tag | quote }}\n',
  'charts/lib/Chart.yaml': 'apiVersion: v2\nname: lib\nversion: 0.1.0\ntype: library\n',
  'charts/lib/templates/_helpers.tpl': '{{- define "lib.name" -}}lib{{- end -}}\n',
  'env/prod-values.yaml': 'replicaCount: 5\nimage:\n  tag: prod\n',
};

beforeAll(async () => {
  harness = await startSourcesHarness();
  git = await startGitHttpServer();
  git.repositories.create('charts');
  git.repositories.commit('charts', files, { message: 'charts' });
  await createSource(harness, 'GitRepository', 'charts', {
    url: git.urlOf('charts'),
    interval: '10m',
    ref: { branch: 'main' },
  });
  await waitForReady(harness, 'GitRepository', 'charts');
}, 120_000);

afterAll(async () => {
  await harness?.stop();
  await git?.stop();
});

function gitChart(extra: Record<string, unknown> = {}) {
  return { chart: './charts/app', interval: '10m', sourceRef: { kind: 'GitRepository', name: 'charts' }, ...extra };
}

function entries(archive: Buffer): string[] {
  return execFileSync('tar', ['-tzf', '-'], { input: archive, encoding: 'utf8' }).split('\n').filter(Boolean);
}

function fileOf(archive: Buffer, path: string): string {
  return execFileSync('tar', ['-xzOf', '-', path], { input: archive, encoding: 'utf8' });
}

describe('HelmChart from a GitRepository', () => {
  it('packages the chart with its file:// dependency and the merged values files', async () => {
    await createSource(
      harness,
      kind,
      'app',
      gitChart({ valuesFiles: ['charts/app/values.yaml', 'env/prod-values.yaml'] }),
    );
    const ready = await waitForReady<HelmChart>(harness, kind, 'app');
    const artifact = ready.status!.artifact!;
    expect(artifact.revision).toBe('1.0.0');
    expect(artifact.path).toBe(`helmchart/${harness.namespace}/app/app-1.0.0.tgz`);
    const archive = await download(artifact.url);
    // helm package writes a dependency into the package as a directory under charts/, with the Chart.lock it built.
    expect(entries(archive)).toEqual(
      expect.arrayContaining([
        'app/Chart.yaml',
        'app/values.yaml',
        'app/templates/configmap.yaml',
        'app/charts/lib/Chart.yaml',
        'app/Chart.lock',
      ]),
    );
    expect(fileOf(archive, 'app/values.yaml')).toMatch(/replicaCount: 5/);
    expect(conditionOf(ready, 'Ready')).toMatchObject({
      reason: 'ChartPackageSucceeded',
      message:
        "packaged 'app' chart with version '1.0.0' and merged values files [charts/app/values.yaml env/prod-values.yaml]",
    });
    const source = await waitForReady<GitRepository>(harness, 'GitRepository', 'charts');
    expect(ready.status!.observedSourceArtifactRevision).toBe(source.status!.artifact!.revision);
    await eventWithReason(harness, 'app', 'NewArtifact');
  });

  it('under reconcileStrategy Revision, versions the chart with the commit', async () => {
    await createSource(harness, kind, 'by-revision', gitChart({ reconcileStrategy: 'Revision' }));
    const ready = await waitForReady<HelmChart>(harness, kind, 'by-revision');
    const source = await waitForReady<GitRepository>(harness, 'GitRepository', 'charts');
    const commit = source.status!.artifact!.revision.split(':')[1]!;
    expect(ready.status!.artifact!.revision).toBe(`1.0.0+${commit.slice(0, 12)}`);
    expect(fileOf(await download(ready.status!.artifact!.url), 'app/Chart.yaml')).toContain(
      `version: 1.0.0+${commit.slice(0, 12)}`,
    );
  });

  it('follows a new chart version in Git, and keeps the last chart when Chart.yaml breaks', async () => {
    await createSource(harness, kind, 'follow', gitChart());
    await waitForReady<HelmChart>(harness, kind, 'follow', (chart) => chart.status?.artifact?.revision === '1.0.0');

    git.repositories.commit('charts', { 'charts/app/Chart.yaml': appChart('1.1.0') }, { message: 'bump' });
    await requestReconcile(harness, 'GitRepository', 'charts');
    const bumped = await waitForReady<HelmChart>(
      harness,
      kind,
      'follow',
      (chart) => chart.status?.artifact?.revision === '1.1.0',
    );

    git.repositories.commit(
      'charts',
      { 'charts/app/Chart.yaml': 'apiVersion: v2\nname: app\nversion: [broken\n' },
      { message: 'break' },
    );
    await requestReconcile(harness, 'GitRepository', 'charts');
    const broken = await waitForNotReady<HelmChart>(
      harness,
      kind,
      'follow',
      /chart '\.\/charts\/app' in GitRepository '.*\/charts': Chart\.yaml is not valid YAML/,
    );
    expect(conditionOf(broken, 'BuildFailed')!.reason).toBe('InvalidChartReference');
    expect(broken.status!.artifact).toEqual(bumped.status!.artifact);

    git.repositories.commit(
      'charts',
      { 'charts/app/Chart.yaml': 'apiVersion: v2\nname: app\nversion: not-semver\n' },
      { message: 'no semver' },
    );
    await requestReconcile(harness, 'GitRepository', 'charts');
    await waitForNotReady(harness, kind, 'follow', /Chart\.yaml 'version' 'not-semver' is not a semantic version/);
    git.repositories.commit('charts', { 'charts/app/Chart.yaml': appChart('1.1.0') }, { message: 'fix' });
    await requestReconcile(harness, 'GitRepository', 'charts');
    await waitForReady<HelmChart>(harness, kind, 'follow');
  });

  it('builds a dependency from an HTTP repository at the version Chart.lock pins', async () => {
    const repository = await startHelmRepository([{ name: 'dep', version: '0.1.0' }]);
    const work = await mkdtemp(join(tmpdir(), 'chart-lock-'));
    try {
      const chartYaml = `apiVersion: v2\nname: locked\nversion: 2.0.0\ndependencies:\n  - name: dep\n    version: ">=0.1.0"\n    repository: ${repository.url}\n`;
      await writeChart(join(work, 'locked'), { name: 'locked', version: '2.0.0', files: { 'Chart.yaml': chartYaml } });
      await runHelm(['dependency', 'update', join(work, 'locked')], work);
      const lock = await readFile(join(work, 'locked', 'Chart.lock'), 'utf8');
      expect(lock).toContain('version: 0.1.0');
      // A newer dependency in range appears after the lock was written: the lock, not the range, decides.
      await repository.addCharts([{ name: 'dep', version: '0.2.0' }]);
      git.repositories.commit(
        'charts',
        {
          'charts/locked/Chart.yaml': chartYaml,
          'charts/locked/Chart.lock': lock,
          'charts/locked/values.yaml': 'a: 1\n',
        },
        { message: 'locked' },
      );
      await requestReconcile(harness, 'GitRepository', 'charts');
      await createSource(harness, kind, 'locked', gitChart({ chart: 'charts/locked' }));
      const ready = await waitForReady<HelmChart>(harness, kind, 'locked');
      const archive = await download(ready.status!.artifact!.url);
      expect(fileOf(archive, 'locked/charts/dep/Chart.yaml')).toContain('version: 0.1.0');

      await repository.stop();
      await createSource(harness, kind, 'locked-offline', gitChart({ chart: 'charts/locked' }));
      const failed = await waitForNotReady<HelmChart>(
        harness,
        kind,
        'locked-offline',
        /dependency build error: chart 'charts\/locked' in GitRepository/,
      );
      expect(conditionOf(failed, 'BuildFailed')!.reason).toBe('DependencyBuildError');
    } finally {
      await repository.stop().catch(() => undefined);
      await rm(work, { recursive: true, force: true });
    }
  });

  it('reaches a dependency repository with the credentials of the HelmRepository of that URL', async () => {
    const guarded = await startHelmRepository([{ name: 'private-dep', version: '1.0.0' }], {
      auth: { username: 'dep-user', password: 'dep-pass-never-shown' },
    });
    const work = await mkdtemp(join(tmpdir(), 'chart-lock-'));
    try {
      const chartYaml = `apiVersion: v2\nname: uses-private\nversion: 3.0.0\ndependencies:\n  - name: private-dep\n    version: 1.0.0\n    repository: ${guarded.url}\n`;
      await writeChart(join(work, 'uses-private'), {
        name: 'uses-private',
        version: '3.0.0',
        files: { 'Chart.yaml': chartYaml },
      });
      await runHelm(
        ['repo', 'add', 'guarded', guarded.url, '--username', 'dep-user', '--password', 'dep-pass-never-shown'],
        work,
      );
      await runHelm(['dependency', 'update', join(work, 'uses-private')], work);
      const lock = await readFile(join(work, 'uses-private', 'Chart.lock'), 'utf8');
      git.repositories.commit(
        'charts',
        { 'charts/uses-private/Chart.yaml': chartYaml, 'charts/uses-private/Chart.lock': lock },
        { message: 'private dependency' },
      );
      await requestReconcile(harness, 'GitRepository', 'charts');

      await createSource(harness, kind, 'uses-private', gitChart({ chart: 'charts/uses-private' }));
      await waitForNotReady(harness, kind, 'uses-private', /dependency build error: chart 'charts\/uses-private'.*401/);
      await createSecret(harness, 'dep-creds', { username: 'dep-user', password: 'dep-pass-never-shown' });
      await createSource(harness, 'HelmRepository', 'private-deps', {
        url: guarded.url,
        interval: '10m',
        secretRef: { name: 'dep-creds' },
      });
      await requestReconcile(harness, kind, 'uses-private');
      const ready = await waitForReady<HelmChart>(harness, kind, 'uses-private');
      expect(
        fileOf(await download(ready.status!.artifact!.url), 'uses-private/charts/private-dep/Chart.yaml'),
      ).toContain('name: private-dep');
      expect(harness.logs.join('') + JSON.stringify(await eventsOf(harness, 'uses-private'))).not.toContain(
        'dep-pass-never-shown',
      );
    } finally {
      await guarded.stop();
      await rm(work, { recursive: true, force: true });
    }
  });

  it('names a chart path that is not in the artifact', async () => {
    await createSource(harness, kind, 'nowhere', gitChart({ chart: 'charts/absent' }));
    await waitForNotReady(
      harness,
      kind,
      'nowhere',
      /chart 'charts\/absent' in GitRepository '.*\/charts': no Chart\.yaml/,
    );
    await createSource(harness, kind, 'escape', gitChart({ chart: '../../etc' }));
    await waitForNotReady(harness, kind, 'escape', /spec\.chart '\.\.\/\.\.\/etc' leaves the GitRepository/);
  });
});
