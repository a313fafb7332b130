// HelmRepository against a real Helm repository (charts packaged and indexed by the real helm): the index as the
// artifact, its revision, auth, TLS, bad indexes, type oci, deletion.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HelmRepository } from '@fluxion/api';
import { createTestCertificates, type HelmRepositoryFixture, startHelmRepository } from '@fluxion/testenv';
import {
  conditionOf,
  createSecret,
  createSource,
  download,
  eventsOf,
  eventWithReason,
  eventually,
  getSource,
  requestReconcile,
  type SourcesHarness,
  startSourcesHarness,
  waitForNotReady,
  waitForReady,
} from './support/sources-harness.ts';

const kind = 'HelmRepository';
let harness: SourcesHarness;
let repository: HelmRepositoryFixture;

beforeAll(async () => {
  harness = await startSourcesHarness();
  repository = await startHelmRepository([
    { name: 'podinfo', version: '6.0.0' },
    { name: 'podinfo', version: '6.1.0' },
    { name: 'redis', version: '1.0.0' },
  ]);
}, 120_000);

afterAll(async () => {
  await harness?.stop();
  await repository?.stop();
});

describe('HelmRepository', () => {
  it('stores the index as an artifact with a sha256 revision, and a new chart makes a new revision', async () => {
    await createSource(harness, kind, 'repo', { url: repository.url, interval: '10m' });
    const ready = await waitForReady<HelmRepository>(harness, kind, 'repo');
    const artifact = ready.status!.artifact!;
    expect(artifact.revision).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(artifact.path).toBe(`helmrepository/${harness.namespace}/repo/index-${artifact.revision.slice(7)}.yaml`);
    const stored = await download(artifact.url);
    expect(`sha256:${createHash('sha256').update(stored).digest('hex')}`).toBe(artifact.digest);
    const index = JSON.parse(stored.toString('utf8')) as { entries: Record<string, Array<{ version: string }>> };
    expect(index.entries.podinfo!.map((entry) => entry.version)).toEqual(['6.1.0', '6.0.0']);
    expect(ready.status!.url).toMatch(/\/index\.yaml$/);
    expect(conditionOf(ready, 'Ready')!.message).toBe(`stored artifact: revision '${artifact.revision}'`);
    expect(conditionOf(ready, 'ArtifactInStorage')!.status).toBe('True');
    expect(ready.metadata!.finalizers).toContain('finalizers.fluxcd.io');
    const newArtifact = await eventWithReason(harness, 'repo', 'NewArtifact');
    expect(newArtifact?.message).toMatch(/^stored fetched index of size .* from 'http:\/\/127\.0\.0\.1:\d+'$/);
    expect(newArtifact?.metadata?.annotations?.['source.toolkit.fluxcd.io/revision']).toBe(artifact.revision);

    // The same index fetched again keeps the revision.
    const again = await requestReconcile<HelmRepository>(harness, kind, 'repo');
    expect(again.status!.artifact!.revision).toBe(artifact.revision);

    await repository.addCharts([{ name: 'podinfo', version: '6.2.0' }]);
    await requestReconcile(harness, kind, 'repo');
    const updated = await waitForReady<HelmRepository>(
      harness,
      kind,
      'repo',
      (object) => object.status?.artifact?.revision !== artifact.revision,
    );
    const newIndex = JSON.parse((await download(updated.status!.artifact!.url)).toString('utf8')) as {
      entries: Record<string, Array<{ version: string }>>;
    };
    expect(newIndex.entries.podinfo![0]!.version).toBe('6.2.0');
  });

  it('authenticates with basic auth from secretRef and never shows the password', async () => {
    const guarded = await startHelmRepository([{ name: 'private', version: '0.1.0' }], {
      auth: { username: 'fluxuser', password: 's3cr3t-pass' },
    });
    try {
      await createSource(harness, kind, 'guarded-anon', { url: guarded.url, interval: '10m' });
      const refused = await waitForNotReady<HelmRepository>(harness, kind, 'guarded-anon', /HTTP 401/);
      expect(conditionOf(refused, 'FetchFailed')!.reason).toBe('AuthenticationFailed');
      expect(conditionOf(refused, 'Ready')!.message).toContain(`${guarded.url}/index.yaml`);

      await createSecret(harness, 'wrong-creds', { username: 'fluxuser', password: 'wrong-pass' });
      await createSource(harness, kind, 'guarded-wrong', {
        url: guarded.url,
        interval: '10m',
        secretRef: { name: 'wrong-creds' },
      });
      await waitForNotReady(harness, kind, 'guarded-wrong', /HTTP 401 \(check the credentials in spec.secretRef\)/);

      await createSecret(harness, 'creds', { username: 'fluxuser', password: 's3cr3t-pass' });
      await createSource(harness, kind, 'guarded', { url: guarded.url, interval: '10m', secretRef: { name: 'creds' } });
      await waitForReady(harness, kind, 'guarded');

      await createSource(harness, kind, 'guarded-missing', {
        url: guarded.url,
        interval: '10m',
        secretRef: { name: 'nope' },
      });
      await waitForNotReady(
        harness,
        kind,
        'guarded-missing',
        /secret '.*\/nope' \(spec\.secretRef\): secret not found/,
      );

      const everything =
        JSON.stringify(await Promise.all(['guarded', 'guarded-wrong'].map((name) => getSource(harness, kind, name)))) +
        JSON.stringify(await eventsOf(harness, 'guarded-wrong')) +
        harness.logs.join('');
      expect(everything).not.toContain('s3cr3t-pass');
      expect(everything).not.toContain('wrong-pass');
    } finally {
      await guarded.stop();
    }
  });

  it('trusts the CA in certSecretRef for an HTTPS repository', async () => {
    const certificates = await createTestCertificates();
    const secure = await startHelmRepository([{ name: 'secure', version: '1.0.0' }], {
      tls: { cert: certificates.serverCert, key: certificates.serverKey },
    });
    try {
      await createSource(harness, kind, 'tls-untrusted', { url: secure.url, interval: '10m' });
      await waitForNotReady(harness, kind, 'tls-untrusted', /not trusted.*ca\.crt of spec\.certSecretRef/);
      await createSecret(harness, 'ca', { 'ca.crt': certificates.caCert });
      await createSource(harness, kind, 'tls', { url: secure.url, interval: '10m', certSecretRef: { name: 'ca' } });
      await waitForReady(harness, kind, 'tls');
    } finally {
      await secure.stop();
    }
  });

  it('keeps the last artifact when the index stops being YAML, and names the URL', async () => {
    const flaky = await startHelmRepository([{ name: 'flaky', version: '1.0.0' }]);
    try {
      await createSource(harness, kind, 'flaky', { url: flaky.url, interval: '10m' });
      const good = await waitForReady<HelmRepository>(harness, kind, 'flaky');
      await flaky.writeIndex('entries: [unclosed\n  : : :');
      await requestReconcile(harness, kind, 'flaky');
      const broken = await waitForNotReady<HelmRepository>(harness, kind, 'flaky', /not valid YAML/);
      expect(conditionOf(broken, 'Ready')!.message).toContain(`${flaky.url}/index.yaml`);
      expect(conditionOf(broken, 'FetchFailed')!.reason).toBe('IndexationFailed');
      expect(broken.status!.artifact).toEqual(good.status!.artifact);
      expect((await download(good.status!.artifact!.url)).length).toBeGreaterThan(0);
    } finally {
      await flaky.stop();
    }
  });

  it('refuses an index larger than --helm-index-max-size', async () => {
    const huge = await startHelmRepository([{ name: 'huge', version: '1.0.0' }]);
    try {
      await huge.writeIndex(`apiVersion: v1\nentries: {}\n# ${'x'.repeat(1_100_000)}\n`);
      await createSource(harness, kind, 'huge', { url: huge.url, interval: '10m' });
      await waitForNotReady(
        harness,
        kind,
        'huge',
        new RegExp(`Helm repository index from '${huge.url}/index.yaml': larger than the limit of 1048576 bytes`),
      );
    } finally {
      await huge.stop();
    }
  });

  it('gives up on a server that never answers after spec.timeout', async () => {
    const { createServer } = await import('node:net');
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    try {
      await createSource(harness, kind, 'silent', { url: `http://127.0.0.1:${port}`, interval: '10m', timeout: '1s' });
      await waitForNotReady(harness, kind, 'silent', /timed out after 1s/);
    } finally {
      silent.close();
    }
  });

  it('type oci: Ready with no artifact, and a missing Secret is named', async () => {
    await createSource(harness, kind, 'oci', {
      url: 'oci://registry.example.com/charts',
      type: 'oci',
      interval: '10m',
    });
    const ready = await waitForReady<HelmRepository>(harness, kind, 'oci');
    expect(conditionOf(ready, 'Ready')!.message).toBe('Helm repository is ready');
    expect(ready.status!.artifact).toBeUndefined();
    await createSource(harness, kind, 'oci-secret', {
      url: 'oci://registry.example.com/charts',
      type: 'oci',
      interval: '10m',
      secretRef: { name: 'regcred' },
    });
    await waitForNotReady(harness, kind, 'oci-secret', /secret '.*\/regcred' \(spec\.secretRef\): secret not found/);
    await createSecret(harness, 'not-registry-creds', { token: 'abc' });
    await createSource(harness, kind, 'oci-junk', {
      url: 'oci://registry.example.com/charts',
      type: 'oci',
      interval: '10m',
      secretRef: { name: 'not-registry-creds' },
    });
    await waitForNotReady(
      harness,
      kind,
      'oci-junk',
      /secret '.*\/not-registry-creds' \(spec\.secretRef\): neither \.dockerconfigjson nor username and password/,
    );
    await createSource(harness, kind, 'oci-wrong-url', {
      url: 'https://registry.example.com/charts',
      type: 'oci',
      interval: '10m',
    });
    const stalled = await waitForNotReady<HelmRepository>(harness, kind, 'oci-wrong-url', /must start with oci:\/\//);
    expect(conditionOf(stalled, 'Stalled')!.status).toBe('True');
  });

  it('removes the artifacts when deleted', async () => {
    await createSource(harness, kind, 'doomed', { url: repository.url, interval: '10m' });
    const ready = await waitForReady<HelmRepository>(harness, kind, 'doomed');
    expect(await harness.storage.exists(ready.status!.artifact!)).toBe(true);
    await harness.client.deleteIfExists({
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind,
      namespace: harness.namespace,
      name: 'doomed',
    });
    await eventually(async () => {
      if (await harness.storage.exists(ready.status!.artifact!)) throw new Error('artifact still stored');
    });
  });
});
