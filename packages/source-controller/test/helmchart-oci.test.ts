// HelmChart from an OCI HelmRepository: charts pushed by the real helm to a real registry (basic auth), the tag
// picked by semver range, credentials from a dockerconfigjson Secret, and a tag that is not a chart.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HelmChart } from '@fluxion/api';
import { RegistryClient } from '@fluxion/runtime';
import { type OciRegistry, pushArtifact, runHelm, startOciRegistry, writeChart } from '@fluxion/testenv';
import {
  conditionOf,
  createSecret,
  createSource,
  download,
  type SourcesHarness,
  startSourcesHarness,
  waitForNotReady,
  waitForReady,
} from './support/sources-harness.ts';

const kind = 'HelmChart';
const auth = { kind: 'basic' as const, username: 'pusher', password: 'registry-pass-never-shown' };
let harness: SourcesHarness;
let registry: OciRegistry;
let work: string;

async function pushChart(name: string, version: string): Promise<Buffer> {
  const chartDirectory = join(work, `${name}-${version}`, name);
  await writeChart(chartDirectory, { name, version });
  await runHelm(['package', chartDirectory, '--destination', work], work);
  const packaged = join(work, `${name}-${version}.tgz`);
  await runHelm(
    [
      'push',
      packaged,
      `oci://${registry.host}/charts`,
      '--plain-http',
      '--username',
      auth.username,
      '--password',
      auth.password,
    ],
    work,
  );
  const { readFile } = await import('node:fs/promises');
  return readFile(packaged);
}

beforeAll(async () => {
  harness = await startSourcesHarness();
  registry = await startOciRegistry({ auth });
  work = await mkdtemp(join(tmpdir(), 'helm-oci-'));
  for (const version of ['1.0.0', '1.1.0', '2.0.0']) await pushChart('podinfo', version);
  const dockerConfig = JSON.stringify({
    auths: { [registry.host]: { username: auth.username, password: auth.password } },
  });
  await createSecret(harness, 'regcred', { '.dockerconfigjson': dockerConfig }, 'kubernetes.io/dockerconfigjson');
  await createSource(harness, 'HelmRepository', 'oci', {
    url: `oci://${registry.host}/charts`,
    type: 'oci',
    insecure: true,
    interval: '10m',
    secretRef: { name: 'regcred' },
  });
  await waitForReady(harness, 'HelmRepository', 'oci');
}, 180_000);

afterAll(async () => {
  await harness?.stop();
  await registry?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

function ociChart(extra: Record<string, unknown> = {}) {
  return { chart: 'podinfo', interval: '10m', sourceRef: { kind: 'HelmRepository', name: 'oci' }, ...extra };
}

describe('HelmChart from an OCI HelmRepository', () => {
  it('pulls the highest tag in range, byte for byte as helm pushed it', async () => {
    await createSource(harness, kind, 'oci-range', ociChart({ version: '1.x' }));
    const ready = await waitForReady<HelmChart>(harness, kind, 'oci-range');
    expect(ready.status!.artifact!.revision).toBe('1.1.0');
    expect(ready.status!.artifact!.path).toBe(`helmchart/${harness.namespace}/oci-range/podinfo-1.1.0.tgz`);
    const { readFile } = await import('node:fs/promises');
    expect(await download(ready.status!.artifact!.url)).toEqual(await readFile(join(work, 'podinfo-1.1.0.tgz')));
    expect(conditionOf(ready, 'Ready')!.message).toBe("pulled 'podinfo' chart with version '1.1.0'");

    await createSource(harness, kind, 'oci-exact', ociChart({ version: '2.0.0' }));
    await waitForReady<HelmChart>(harness, kind, 'oci-exact', (chart) => chart.status?.artifact?.revision === '2.0.0');
  });

  it('names the chart reference when no tag is in range, credentials are missing, or the tag is no chart', async () => {
    await createSource(harness, kind, 'oci-none', ociChart({ version: '>=3.0.0' }));
    await waitForNotReady(
      harness,
      kind,
      'oci-none',
      new RegExp(`no tag of 'oci://${registry.host}/charts/podinfo' matches '>=3.0.0'`),
    );

    await createSource(harness, 'HelmRepository', 'oci-anon', {
      url: `oci://${registry.host}/charts`,
      type: 'oci',
      insecure: true,
      interval: '10m',
    });
    await createSource(harness, kind, 'oci-anon', {
      ...ociChart(),
      sourceRef: { kind: 'HelmRepository', name: 'oci-anon' },
    });
    const refused = await waitForNotReady<HelmChart>(
      harness,
      kind,
      'oci-anon',
      new RegExp(`oci://${registry.host}/charts/podinfo`),
    );
    expect(conditionOf(refused, 'BuildFailed')!.reason).toBe('AuthenticationFailed');

    const pusher = new RegistryClient({
      registry: registry.host,
      insecure: true,
      credentials: { username: auth.username, password: auth.password },
    });
    await pushArtifact(pusher, { repository: 'charts/notachart', tag: '1.0.0', files: { 'a.yaml': 'a: 1\n' } });
    pusher.close();
    await createSource(harness, kind, 'oci-notchart', ociChart({ chart: 'notachart' }));
    await waitForNotReady(harness, kind, 'oci-notchart', /notachart'?:1\.0\.0 is not a Helm chart/);

    expect(harness.logs.join('')).not.toContain(auth.password);
  });
});
