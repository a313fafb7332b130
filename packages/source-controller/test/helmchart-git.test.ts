// HelmChart from a GitRepository: the chart at a path in the artifact, packaged by the real helm with its
// dependencies, values files from the artifact root, both reconcile strategies, and a broken Chart.yaml.
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GitRepository, HelmChart } from '@fluxion/api';
import { type GitHttpServer, startGitHttpServer } from '@fluxion/testenv';
import {
  conditionOf,
  createSource,
  download,
  eventsOf,
  requestReconcile,
  type SourcesHarness,
  startSourcesHarness,
  waitForNotReady,
  waitForReady,
} from './support/sources-harness.ts';

const kind = 'HelmChart';
let harness: SourcesHarness;
let git: GitHttpServer;

const appChart = (version: string) => `apiVersion: v2\nname: app\nversion: ${version}\ndependencies:\n  - name: lib\n    version: 0.1.0\n    repository: file://../lib\n`;
const files = {
  'charts/app/Chart.yaml': appChart('1.0.0'),
  'charts/app/values.yaml': 'replicaCount: 1\nimage:\n  tag: dev\n',
  'charts/app/templates/configmap.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\ndata:\n  tag: {{ .Values.image.tag | quote }}\n',
  'charts/lib/Chart.yaml': 'apiVersion: v2\nname: lib\nversion: 0.1.0\ntype: library\n',
  'charts/lib/templates/_helpers.tpl': '{{- define "lib.name" -}}lib{{- end -}}\n',
  'env/prod-values.yaml': 'replicaCount: 5\nimage:\n  tag: prod\n',
};

beforeAll(async () => {
  harness = await startSourcesHarness();
  git = await startGitHttpServer();
  git.repositories.create('charts');
  git.repositories.commit('charts', files, { message: 'charts' });
  await createSource(harness, 'GitRepository', 'charts', { url: git.urlOf('charts'), interval: '10m', ref: { branch: 'main' } });
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
    await createSource(harness, kind, 'app', gitChart({ valuesFiles: ['charts/app/values.yaml', 'env/prod-values.yaml'] }));
    const ready = await waitForReady<HelmChart>(harness, kind, 'app');
    const artifact = ready.status!.artifact!;
    expect(artifact.revision).toBe('1.0.0');
    expect(artifact.path).toBe(`helmchart/${harness.namespace}/app/app-1.0.0.tgz`);
    const archive = await download(artifact.url);
    // helm package writes a dependency into the package as a directory under charts/, with the Chart.lock it built.
    expect(entries(archive)).toEqual(expect.arrayContaining(['app/Chart.yaml', 'app/values.yaml', 'app/templates/configmap.yaml', 'app/charts/lib/Chart.yaml', 'app/Chart.lock']));
    expect(fileOf(archive, 'app/values.yaml')).toMatch(/replicaCount: 5/);
    expect(conditionOf(ready, 'Ready')).toMatchObject({
      reason: 'ChartPackageSucceeded',
      message: "packaged 'app' chart with version '1.0.0' and merged values files [charts/app/values.yaml env/prod-values.yaml]",
    });
    const source = await waitForReady<GitRepository>(harness, 'GitRepository', 'charts');
    expect(ready.status!.observedSourceArtifactRevision).toBe(source.status!.artifact!.revision);
    expect((await eventsOf(harness, 'app')).some((event) => event.reason === 'NewArtifact')).toBe(true);
  });

  it('under reconcileStrategy Revision, versions the chart with the commit', async () => {
    await createSource(harness, kind, 'by-revision', gitChart({ reconcileStrategy: 'Revision' }));
    const ready = await waitForReady<HelmChart>(harness, kind, 'by-revision');
    const source = await waitForReady<GitRepository>(harness, 'GitRepository', 'charts');
    const commit = source.status!.artifact!.revision.split(':')[1]!;
    expect(ready.status!.artifact!.revision).toBe(`1.0.0+${commit.slice(0, 12)}`);
    expect(fileOf(await download(ready.status!.artifact!.url), 'app/Chart.yaml')).toContain(`version: 1.0.0+${commit.slice(0, 12)}`);
  });

  it('follows a new chart version in Git, and keeps the last chart when Chart.yaml breaks', async () => {
    await createSource(harness, kind, 'follow', gitChart());
    await waitForReady<HelmChart>(harness, kind, 'follow', (chart) => chart.status?.artifact?.revision === '1.0.0');

    git.repositories.commit('charts', { 'charts/app/Chart.yaml': appChart('1.1.0') }, { message: 'bump' });
    await requestReconcile(harness, 'GitRepository', 'charts');
    const bumped = await waitForReady<HelmChart>(harness, kind, 'follow', (chart) => chart.status?.artifact?.revision === '1.1.0');

    git.repositories.commit('charts', { 'charts/app/Chart.yaml': 'apiVersion: v2\nname: app\nversion: [broken\n' }, { message: 'break' });
    await requestReconcile(harness, 'GitRepository', 'charts');
    const broken = await waitForNotReady<HelmChart>(harness, kind, 'follow', /chart '\.\/charts\/app' in GitRepository '.*\/charts': Chart\.yaml is not valid YAML/);
    expect(conditionOf(broken, 'BuildFailed')!.reason).toBe('InvalidChartReference');
    expect(broken.status!.artifact).toEqual(bumped.status!.artifact);

    git.repositories.commit('charts', { 'charts/app/Chart.yaml': 'apiVersion: v2\nname: app\nversion: not-semver\n' }, { message: 'no semver' });
    await requestReconcile(harness, 'GitRepository', 'charts');
    await waitForNotReady(harness, kind, 'follow', /Chart\.yaml 'version' 'not-semver' is not a semantic version/);
    git.repositories.commit('charts', { 'charts/app/Chart.yaml': appChart('1.1.0') }, { message: 'fix' });
    await requestReconcile(harness, 'GitRepository', 'charts');
    await waitForReady<HelmChart>(harness, kind, 'follow');
  });

  it('names a chart path that is not in the artifact', async () => {
    await createSource(harness, kind, 'nowhere', gitChart({ chart: 'charts/absent' }));
    await waitForNotReady(harness, kind, 'nowhere', /chart 'charts\/absent' in GitRepository '.*\/charts': no Chart\.yaml/);
    await createSource(harness, kind, 'escape', gitChart({ chart: '../../etc' }));
    await waitForNotReady(harness, kind, 'escape', /spec\.chart '\.\.\/\.\.\/etc' leaves the GitRepository/);
  });
});
