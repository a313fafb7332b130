// HelmChart from an HTTP HelmRepository (charts packaged by the real helm): version ranges, the pulled chart as the
// artifact, values files, one index parse shared by all charts, and the failures a user can make.
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HelmChart } from '@fluxion/api';
import { type HelmRepositoryFixture, startHelmRepository } from '@fluxion/testenv';
import {
  conditionOf,
  createSecret,
  createSource,
  download,
  eventWithReason,
  eventually,
  requestReconcile,
  type SourcesHarness,
  startSourcesHarness,
  waitForNotReady,
  waitForReady,
} from './support/sources-harness.ts';

const kind = 'HelmChart';
let harness: SourcesHarness;
let repository: HelmRepositoryFixture;

beforeAll(async () => {
  harness = await startSourcesHarness();
  repository = await startHelmRepository([
    { name: 'podinfo', version: '6.0.0' },
    { name: 'podinfo', version: '6.1.0' },
    { name: 'podinfo', version: '7.0.0-rc.1' },
    {
      name: 'webapp',
      version: '1.0.0',
      values: 'replicaCount: 1\nimage:\n  tag: one\n  pullPolicy: Always\n',
      files: { 'values-prod.yaml': 'replicaCount: 3\nimage:\n  tag: prod\n', 'values-eu.yaml': 'region: eu\n' },
    },
  ]);
  await createSource(harness, 'HelmRepository', 'charts', { url: repository.url, interval: '10m' });
  await waitForReady(harness, 'HelmRepository', 'charts');
}, 120_000);

afterAll(async () => {
  await harness?.stop();
  await repository?.stop();
});

function chartSpec(chart: string, extra: Record<string, unknown> = {}) {
  return { chart, interval: '10m', sourceRef: { kind: 'HelmRepository', name: 'charts' }, ...extra };
}

function valuesOf(archive: Buffer, chart: string): string {
  return execFileSync('tar', ['-xzOf', '-', `${chart}/values.yaml`], { input: archive, encoding: 'utf8' });
}

describe('HelmChart from a HelmRepository', () => {
  it('pulls the newest stable version by default, byte for byte as helm packaged it', async () => {
    await createSource(harness, kind, 'latest', chartSpec('podinfo'));
    const ready = await waitForReady<HelmChart>(harness, kind, 'latest');
    const artifact = ready.status!.artifact!;
    expect(artifact.revision).toBe('6.1.0');
    expect(artifact.path).toBe(`helmchart/${harness.namespace}/latest/podinfo-6.1.0.tgz`);
    expect(await download(artifact.url)).toEqual(await repository.packagedChart('podinfo', '6.1.0'));
    expect(conditionOf(ready, 'Ready')).toMatchObject({
      reason: 'ChartPullSucceeded',
      message: "pulled 'podinfo' chart with version '6.1.0'",
    });
    expect(conditionOf(ready, 'ArtifactInStorage')!.status).toBe('True');
    expect(ready.status!.observedChartName).toBe('podinfo');
    expect(ready.status!.observedSourceArtifactRevision).toMatch(/^sha256:/);
    const event = await eventWithReason(harness, 'latest', 'NewArtifact');
    expect(event?.message).toBe("pulled 'podinfo' chart with version '6.1.0'");
    expect(event?.metadata?.annotations?.['source.toolkit.fluxcd.io/revision']).toBe('6.1.0');
  });

  it('honours a semver range and moves to a new version in range when the index changes', async () => {
    await createSource(harness, kind, 'ranged', chartSpec('podinfo', { version: '~6.0.0' }));
    await waitForReady<HelmChart>(harness, kind, 'ranged', (chart) => chart.status?.artifact?.revision === '6.0.0');
    await createSource(harness, kind, 'pre', chartSpec('podinfo', { version: '>=7.0.0-0' }));
    await waitForReady<HelmChart>(harness, kind, 'pre', (chart) => chart.status?.artifact?.revision === '7.0.0-rc.1');

    await repository.addCharts([{ name: 'podinfo', version: '6.0.5' }]);
    await requestReconcile(harness, 'HelmRepository', 'charts');
    // A new index revision re-queues the charts of the repository: no request on the chart needed.
    await waitForReady<HelmChart>(harness, kind, 'ranged', (chart) => chart.status?.artifact?.revision === '6.0.5');
  });

  it('merges values files in order into the packaged chart', async () => {
    await createSource(
      harness,
      kind,
      'values',
      chartSpec('webapp', {
        valuesFiles: ['values.yaml', 'values-prod.yaml', 'values-missing.yaml'],
        ignoreMissingValuesFiles: true,
      }),
    );
    const ready = await waitForReady<HelmChart>(harness, kind, 'values');
    expect(ready.status!.artifact!.revision).toBe('1.0.0');
    expect(ready.status!.observedValuesFiles).toEqual(['values.yaml', 'values-prod.yaml']);
    expect(conditionOf(ready, 'Ready')).toMatchObject({ reason: 'ChartPackageSucceeded' });
    const values = valuesOf(await download(ready.status!.artifact!.url), 'webapp');
    expect(values).toContain('replicaCount: 3');
    expect(values).toMatch(/tag: prod/);
    expect(values).toMatch(/pullPolicy: Always/);

    await createSource(harness, kind, 'values-strict', chartSpec('webapp', { valuesFiles: ['values-missing.yaml'] }));
    const failed = await waitForNotReady<HelmChart>(
      harness,
      kind,
      'values-strict',
      /no values file 'values-missing.yaml' in chart 'webapp' version '1.0.0'/,
    );
    expect(conditionOf(failed, 'BuildFailed')!.reason).toBe('ValuesFilesError');
    expect(conditionOf(failed, 'Stalled')!.status).toBe('True');
  });

  it('names the chart, range and repository when there is no such chart or no version in range', async () => {
    await createSource(harness, kind, 'nochart', chartSpec('nginx'));
    const missing = await waitForNotReady<HelmChart>(
      harness,
      kind,
      'nochart',
      /no chart named 'nginx' in the index of HelmRepository '.*\/charts' \(http:\/\/127\.0\.0\.1:\d+\)/,
    );
    expect(conditionOf(missing, 'BuildFailed')!.reason).toBe('InvalidChartReference');
    await createSource(harness, kind, 'norange', chartSpec('podinfo', { version: '>=9.0.0' }));
    await waitForNotReady(
      harness,
      kind,
      'norange',
      /no version of chart 'podinfo' matches '>=9.0.0' .*newest: 7\.0\.0-rc\.1, 6\.1\.0/,
    );
    await createSource(harness, kind, 'nosource', {
      ...chartSpec('podinfo'),
      sourceRef: { kind: 'HelmRepository', name: 'absent' },
    });
    const noSource = await waitForNotReady<HelmChart>(
      harness,
      kind,
      'nosource',
      /HelmRepository '.*\/absent' not found/,
    );
    expect(conditionOf(noSource, 'FetchFailed')!.reason).toBe('SourceUnavailable');
  });

  it('keeps the last chart when the version goes out of reach, and recovers', async () => {
    await createSource(harness, kind, 'kept', chartSpec('podinfo', { version: '6.0.0' }));
    const good = await waitForReady<HelmChart>(harness, kind, 'kept');
    await harness.client.patch(
      { apiVersion: 'source.toolkit.fluxcd.io/v1', kind, namespace: harness.namespace, name: 'kept' },
      { spec: { version: '5.x' } },
      'merge',
    );
    const failed = await waitForNotReady<HelmChart>(harness, kind, 'kept', /matches '5\.x'/);
    expect(failed.status!.artifact).toEqual(good.status!.artifact);
    expect((await download(good.status!.artifact!.url)).length).toBeGreaterThan(0);
  });

  it('pulls with the repository credentials, never logging them', async () => {
    const guarded = await startHelmRepository([{ name: 'secret-chart', version: '0.1.0' }], {
      auth: { username: 'helm', password: 'chart-pass-never-shown' },
    });
    try {
      await createSecret(harness, 'helm-creds', { username: 'helm', password: 'chart-pass-never-shown' });
      await createSource(harness, 'HelmRepository', 'guarded', {
        url: guarded.url,
        interval: '10m',
        secretRef: { name: 'helm-creds' },
      });
      await waitForReady(harness, 'HelmRepository', 'guarded');
      await createSource(harness, kind, 'guarded', {
        ...chartSpec('secret-chart'),
        sourceRef: { kind: 'HelmRepository', name: 'guarded' },
      });
      await waitForReady(harness, kind, 'guarded');
      expect(harness.logs.join('')).not.toContain('chart-pass-never-shown');
    } finally {
      await guarded.stop();
    }
  });

  it('refuses a chart whose digest differs from the one in the index, naming both', async () => {
    const tampered = await startHelmRepository([{ name: 'tampered', version: '1.0.0' }]);
    try {
      const { readFile } = await import('node:fs/promises');
      const index = await readFile(`${tampered.directory}/index.yaml`, 'utf8');
      await tampered.writeIndex(index.replace(/digest: [0-9a-f]{64}/, `digest: ${'0'.repeat(64)}`));
      await createSource(harness, 'HelmRepository', 'tampered', { url: tampered.url, interval: '10m' });
      await waitForReady(harness, 'HelmRepository', 'tampered');
      await createSource(harness, kind, 'tampered', {
        ...chartSpec('tampered'),
        sourceRef: { kind: 'HelmRepository', name: 'tampered' },
      });
      const failed = await waitForNotReady<HelmChart>(
        harness,
        kind,
        'tampered',
        /chart 'tampered' version '1\.0\.0' from '.*tampered-1\.0\.0\.tgz' has digest sha256:[0-9a-f]{64}, the index says 0{64}/,
      );
      expect(conditionOf(failed, 'BuildFailed')!.reason).toBe('ChartPullError');
      expect(failed.status!.artifact).toBeUndefined();
    } finally {
      await tampered.stop();
    }
  });

  it('parses an index once per revision, however many charts use it', async () => {
    const before = harness.helmCharts.reconciler.indexCache.parses;
    const names = Array.from({ length: 8 }, (_, position) => `shared-${position}`);
    await Promise.all(names.map((name) => createSource(harness, kind, name, chartSpec('podinfo', { version: '6.x' }))));
    await Promise.all(names.map((name) => waitForReady(harness, kind, name)));
    await eventually(async () => {
      expect(harness.helmCharts.reconciler.indexCache.parses - before).toBeLessThanOrEqual(1);
    });
  });

  it('removes the chart artifact when deleted', async () => {
    await createSource(harness, kind, 'doomed', chartSpec('podinfo'));
    const ready = await waitForReady<HelmChart>(harness, kind, 'doomed');
    await harness.client.deleteIfExists({
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind,
      namespace: harness.namespace,
      name: 'doomed',
    });
    await eventually(async () => {
      if (await harness.storage.exists(ready.status!.artifact!)) throw new Error('chart still stored');
    });
  });
});
