// Bucket (provider generic) against a real S3 server (versitygw, SigV4): the artifact and its revision, no download
// when nothing changed, prefix and ignore rules, wrong credentials, an unreachable endpoint, a chart from a bucket.
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bucket, HelmChart } from '@fluxion/api';
import { createTestCertificates, type S3Server, startS3Server } from '@fluxion/testenv';
import { S3Client } from '../src/s3-client.ts';
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

const kind = 'Bucket';
let harness: SourcesHarness;
let s3: S3Server;
let client: S3Client;

beforeAll(async () => {
  harness = await startSourcesHarness();
  s3 = await startS3Server({ secretKey: 'bucket-secret-never-shown' });
  client = new S3Client({
    endpoint: s3.url,
    region: s3.region,
    credentials: { accessKey: s3.accessKey, secretKey: s3.secretKey },
    timeoutMs: 10_000,
  });
  await createSecret(harness, 's3-creds', { accesskey: s3.accessKey, secretkey: s3.secretKey });
}, 120_000);

afterAll(async () => {
  await harness?.stop();
  await s3?.stop();
});

function bucketSpec(bucketName: string, extra: Record<string, unknown> = {}) {
  return {
    bucketName,
    endpoint: s3.endpoint,
    insecure: true,
    interval: '10m',
    secretRef: { name: 's3-creds' },
    ...extra,
  };
}

function filesIn(archive: Buffer): string[] {
  return execFileSync('tar', ['-tzf', '-'], { input: archive, encoding: 'utf8' })
    .split('\n')
    .filter((line) => line && !line.endsWith('/'))
    .sort();
}

describe('Bucket', () => {
  it('archives the objects, revisions them by their list, and downloads nothing when nothing changed', async () => {
    s3.createBucket('manifests');
    await client.putObject('manifests', 'apps/deploy.yaml', Buffer.from('kind: Deployment\n'));
    await client.putObject('manifests', 'apps/service.yaml', Buffer.from('kind: Service\n'));
    await client.putObject('manifests', 'logo.png', Buffer.from('not really a png'));
    await createSource(harness, kind, 'manifests', bucketSpec('manifests'));
    const ready = await waitForReady<Bucket>(harness, kind, 'manifests');
    const artifact = ready.status!.artifact!;
    expect(artifact.revision).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(artifact.path).toBe(`bucket/${harness.namespace}/manifests/${artifact.revision.slice(7)}.tar.gz`);
    // Flux's default exclusions leave images out.
    expect(filesIn(await download(artifact.url))).toEqual(['apps/deploy.yaml', 'apps/service.yaml']);
    expect(conditionOf(ready, 'Ready')!.message).toBe(`stored artifact for revision '${artifact.revision}'`);
    const event = await eventWithReason(harness, 'manifests', 'NewArtifact');
    expect(event?.message).toBe("stored artifact with 2 fetched files from 'manifests' bucket");

    const downloads = harness.buckets.reconciler.downloads;
    const again = await requestReconcile<Bucket>(harness, kind, 'manifests');
    expect(again.status!.artifact!.revision).toBe(artifact.revision);
    expect(harness.buckets.reconciler.downloads).toBe(downloads);

    await client.putObject('manifests', 'apps/service.yaml', Buffer.from('kind: Service\nmetadata: {}\n'));
    await requestReconcile(harness, kind, 'manifests');
    const changed = await waitForReady<Bucket>(
      harness,
      kind,
      'manifests',
      (bucket) => bucket.status?.artifact?.revision !== artifact.revision,
    );
    expect(changed.status!.artifact!.digest).not.toBe(artifact.digest);
  });

  it('fetches only spec.prefix and honours the bucket .sourceignore and spec.ignore', async () => {
    s3.createBucket('mixed');
    await client.putObject('mixed', 'prod/app.yaml', Buffer.from('a: 1\n'));
    await client.putObject('mixed', 'prod/secret.enc', Buffer.from('x'));
    await client.putObject('mixed', 'prod/notes.md', Buffer.from('x'));
    await client.putObject('mixed', 'dev/app.yaml', Buffer.from('a: 2\n'));
    await client.putObject('mixed', '.sourceignore', Buffer.from('*.enc\n'));
    await createSource(harness, kind, 'prefixed', bucketSpec('mixed', { prefix: 'prod/', ignore: '*.md' }));
    const ready = await waitForReady<Bucket>(harness, kind, 'prefixed');
    expect(filesIn(await download(ready.status!.artifact!.url))).toEqual(['prod/app.yaml']);
    expect(ready.status!.observedIgnore).toBe('*.md');
  });

  it('names the bucket and endpoint on wrong credentials, a missing bucket and an unreachable endpoint, and keeps the last artifact', async () => {
    await createSecret(harness, 'bad-creds', { accesskey: s3.accessKey, secretkey: 'wrong-secret-never-shown' });
    await createSource(harness, kind, 'badcreds', bucketSpec('manifests', { secretRef: { name: 'bad-creds' } }));
    const refused = await waitForNotReady<Bucket>(
      harness,
      kind,
      'badcreds',
      /SignatureDoesNotMatch.*check accesskey and secretkey in spec\.secretRef/,
    );
    expect(conditionOf(refused, 'FetchFailed')!.reason).toBe('BucketOperationFailed');
    expect(conditionOf(refused, 'Ready')!.message).toContain(`bucket 'manifests'`);
    expect(conditionOf(refused, 'Ready')!.message).toContain(s3.url);

    await createSource(harness, kind, 'nobucket', bucketSpec('absent-bucket'));
    await waitForNotReady(
      harness,
      kind,
      'nobucket',
      new RegExp(`bucket 'absent-bucket' not found at endpoint '${s3.url}'`),
    );

    await createSource(
      harness,
      kind,
      'unreachable',
      bucketSpec('manifests', { endpoint: '127.0.0.1:1', timeout: '2s' }),
    );
    await waitForNotReady(
      harness,
      kind,
      'unreachable',
      /bucket 'manifests' at endpoint 'http:\/\/127\.0\.0\.1:1'.*connection refused/,
    );

    await createSource(
      harness,
      kind,
      'plain',
      bucketSpec('manifests', { endpoint: `http://${s3.endpoint}`, insecure: false }),
    );
    const plain = await waitForNotReady<Bucket>(harness, kind, 'plain', /is plain HTTP: set spec\.insecure: true/);
    expect(conditionOf(plain, 'Stalled')!.status).toBe('True');

    const good = await getSource<Bucket>(harness, kind, 'manifests');
    await harness.client.patch(
      { apiVersion: 'source.toolkit.fluxcd.io/v1', kind, namespace: harness.namespace, name: 'manifests' },
      { spec: { secretRef: { name: 'bad-creds' } } },
      'merge',
    );
    const failed = await waitForNotReady<Bucket>(harness, kind, 'manifests', /SignatureDoesNotMatch/);
    expect(failed.status!.artifact).toEqual(good.status!.artifact);

    const everything =
      JSON.stringify(await eventsOf(harness, 'badcreds')) + JSON.stringify(refused) + harness.logs.join('');
    expect(everything).not.toContain('wrong-secret-never-shown');
    expect(everything).not.toContain('bucket-secret-never-shown');
  });

  it('refuses cloud providers with a Stalled condition', async () => {
    await createSource(harness, kind, 'aws', { ...bucketSpec('manifests'), provider: 'aws', secretRef: undefined });
    const stalled = await waitForNotReady<Bucket>(harness, kind, 'aws', /spec\.provider 'aws' needs a cloud identity/);
    expect(conditionOf(stalled, 'Stalled')).toMatchObject({ status: 'True', reason: 'InvalidProviderConfiguration' });
  });

  it('serves over HTTPS with the CA from certSecretRef', async () => {
    const certificates = await createTestCertificates();
    const secure = await startS3Server({ tls: { cert: certificates.serverCert, key: certificates.serverKey } });
    try {
      secure.createBucket('tls-bucket');
      await new S3Client({
        endpoint: secure.url,
        region: secure.region,
        credentials: { accessKey: secure.accessKey, secretKey: secure.secretKey },
        tls: { caCert: certificates.caCert },
        timeoutMs: 10_000,
      }).putObject('tls-bucket', 'a.yaml', Buffer.from('a: 1\n'));
      await createSecret(harness, 'tls-creds', { accesskey: secure.accessKey, secretkey: secure.secretKey });
      await createSecret(harness, 'tls-ca', { 'ca.crt': certificates.caCert });
      const spec = {
        bucketName: 'tls-bucket',
        endpoint: secure.endpoint,
        interval: '10m',
        secretRef: { name: 'tls-creds' },
      };
      await createSource(harness, kind, 'tls-untrusted', spec);
      await waitForNotReady(harness, kind, 'tls-untrusted', /not trusted/);
      await createSource(harness, kind, 'tls', { ...spec, certSecretRef: { name: 'tls-ca' } });
      await waitForReady(harness, kind, 'tls');
    } finally {
      await secure.stop();
    }
  });

  it('removes its artifacts when deleted', async () => {
    s3.createBucket('doomed');
    await client.putObject('doomed', 'a.yaml', Buffer.from('a: 1\n'));
    await createSource(harness, kind, 'doomed', bucketSpec('doomed'));
    const ready = await waitForReady<Bucket>(harness, kind, 'doomed');
    expect(ready.metadata!.finalizers).toContain('finalizers.fluxcd.io');
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

  it('is a HelmChart source: the chart at a path in the bucket is packaged', async () => {
    s3.createBucket('charts');
    await client.putObject(
      'charts',
      'charts/demo/Chart.yaml',
      Buffer.from('apiVersion: v2\nname: demo\nversion: 0.3.0\n'),
    );
    await client.putObject('charts', 'charts/demo/values.yaml', Buffer.from('x: 1\n'));
    await createSource(harness, kind, 'charts', bucketSpec('charts'));
    await waitForReady(harness, kind, 'charts');
    await createSource(harness, 'HelmChart', 'demo', {
      chart: 'charts/demo',
      interval: '10m',
      sourceRef: { kind: 'Bucket', name: 'charts' },
    });
    const chart = await waitForReady<HelmChart>(harness, 'HelmChart', 'demo');
    expect(chart.status!.artifact!.revision).toBe('0.3.0');
    expect(filesIn(await download(chart.status!.artifact!.url))).toEqual(['demo/Chart.yaml', 'demo/values.yaml']);
  });
});
