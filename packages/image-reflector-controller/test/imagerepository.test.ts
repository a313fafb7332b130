// ImageRepository against testenv's real registry: tags listed across pages, the exclusion list, an unchanged
// rescan that writes nothing, basic and token logins from a dockerconfigjson Secret or a ServiceAccount, and specs
// no retry can fix.
import type { ImageRepositorySpec } from '@fluxion/api';
import {
  createTestCertificates,
  startHttpProxy,
  startOciRegistry,
  pollUntil,
  type OciRegistry,
  type TestCertificates,
} from '@fluxion/testenv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  dockerConfigSecret,
  eventsOf,
  type Harness,
  imageRepository,
  pushImage,
  readRepository,
  readyOf,
  startHarness,
  waitForReady,
} from './support/harness.ts';

describe('ImageRepository scans', () => {
  let harness: Harness;
  let registry: OciRegistry;

  beforeAll(async () => {
    // Two tags a page, so every scan here follows the registry's Link headers.
    harness = await startHarness({ registry: { pageSize: 2 } });
    registry = await startOciRegistry();
  });
  afterAll(async () => {
    await harness?.stop();
    await registry?.stop();
  });

  it('lists every tag across pages, leaves out cosign .sig tags, and reports what a user reads in status', async () => {
    await pushImage({ registry: registry.host, insecure: true }, 'team/web', [
      '1.24.0',
      '1.25.0',
      'latest',
      'sha256-abc.sig',
      '1.25.1',
    ]);
    await harness.client.create(
      imageRepository(harness.namespace, 'web', { image: `${registry.host}/team/web`, insecure: true }),
    );
    const scanned = await waitForReady(
      () => readRepository(harness, 'web'),
      (ready) => ready.status === 'True',
      'web scanned',
    );
    expect(scanned.status?.canonicalImageName).toBe(`${registry.host}/team/web`);
    expect(scanned.status?.lastScanResult).toMatchObject({
      tagCount: 4,
      latestTags: ['latest', '1.25.1', '1.25.0', '1.24.0'],
    });
    expect(scanned.status?.lastScanResult?.revision).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(scanned.status?.observedExclusionList).toEqual(['^.*\\.sig$']);
    expect(scanned.status?.observedGeneration).toBe(1);
    expect(scanned.status?.conditions?.find((condition) => condition.type === 'Ready')?.message).toBe(
      'successful scan: found 4 tags',
    );
    expect((await eventsOf(harness, 'web')).map((event) => event.message)).toContain('successful scan: found 4 tags');
  });

  it('writes nothing when a rescan finds the same tags, and a new tag on the next scan', async () => {
    await pushImage({ registry: registry.host, insecure: true }, 'team/api', ['1.0.0', '1.1.0']);
    await harness.client.create(
      imageRepository(harness.namespace, 'api', { image: `${registry.host}/team/api`, insecure: true, interval: '1s' }),
    );
    const first = await waitForReady(
      () => readRepository(harness, 'api'),
      (ready) => ready.status === 'True',
      'api scanned',
    );
    const scansBefore = harness.registry.requests;
    await pollUntil(
      'three more scans',
      async () => (harness.registry.requests >= scansBefore + 3 ? true : undefined),
      20_000,
    );
    const after = await readRepository(harness, 'api');
    expect(after.metadata?.resourceVersion).toBe(first.metadata?.resourceVersion);

    await pushImage({ registry: registry.host, insecure: true }, 'team/api', ['1.2.0']);
    const rescanned = await pollUntil(
      'api sees 1.2.0',
      async () => {
        const object = await readRepository(harness, 'api');
        return object.status?.lastScanResult?.tagCount === 3 ? object : undefined;
      },
      20_000,
    );
    expect(rescanned.status?.lastScanResult?.latestTags?.[0]).toBe('1.2.0');
    expect(rescanned.status?.lastScanResult?.revision).not.toBe(first.status?.lastScanResult?.revision);
  });

  it('uses the exclusion list of the spec and reports it', async () => {
    await pushImage({ registry: registry.host, insecure: true }, 'team/excl', ['1.0.0', '1.0.1-debug', 'x.sig']);
    await harness.client.create(
      imageRepository(harness.namespace, 'excl', {
        image: `${registry.host}/team/excl`,
        insecure: true,
        exclusionList: ['-debug$'],
      }),
    );
    const scanned = await waitForReady(
      () => readRepository(harness, 'excl'),
      (ready) => ready.status === 'True',
      'excl scanned',
    );
    expect(scanned.status?.lastScanResult?.latestTags).toEqual(['x.sig', '1.0.0']);
    expect(scanned.status?.observedExclusionList).toEqual(['-debug$']);
  });

  it('stalls on what no retry fixes: a cloud provider, a tag in spec.image, an exclusion pattern that does not compile', async () => {
    const cases: [string, Partial<ImageRepositorySpec> & { image: string }, string][] = [
      [
        'aws',
        { image: `${registry.host}/team/web`, provider: 'aws' },
        "spec.provider 'aws' (Amazon ECR credentials from IAM) is not supported yet",
      ],
      ['tagged', { image: `${registry.host}/team/web:1.0` }, "must not contain a tag (':1.0')"],
      [
        'bad-exclusion',
        { image: `${registry.host}/team/web`, exclusionList: ['(['] },
        "spec.exclusionList[0]: '([' is not a valid regular expression",
      ],
    ];
    for (const [name, spec] of cases)
      await harness.client.create(imageRepository(harness.namespace, name, { ...spec, insecure: true }));
    for (const [name, , message] of cases) {
      const stalled = await waitForReady(
        () => readRepository(harness, name),
        (ready) => ready.status === 'False',
        `${name} refused`,
      );
      const stalledCondition = stalled.status?.conditions?.find((condition) => condition.type === 'Stalled');
      expect(stalledCondition?.status).toBe('True');
      expect(stalledCondition?.message).toContain(message);
    }
  });

  it('a repository the registry does not have is Ready=False naming it, and recovers once pushed', async () => {
    await harness.client.create(
      imageRepository(harness.namespace, 'missing', { image: `${registry.host}/team/missing`, insecure: true }),
    );
    const failed = await waitForReady(
      () => readRepository(harness, 'missing'),
      (ready) => ready.status === 'False',
      'missing fails',
    );
    expect(failed.status?.conditions?.find((condition) => condition.type === 'Ready')?.message).toMatch(
      new RegExp(
        `GET http://${registry.host}/v2/team/missing/tags/list: HTTP 404.*repository ${registry.host}/team/missing not found`,
      ),
    );
    await pushImage({ registry: registry.host, insecure: true }, 'team/missing', ['0.1.0']);
    const recovered = await waitForReady(
      () => readRepository(harness, 'missing'),
      (ready) => ready.status === 'True',
      'missing recovers',
    );
    expect(recovered.status?.lastScanResult?.tagCount).toBe(1);
  });
});

describe('ImageRepository logins', () => {
  const credentials = { username: 'ci', password: 'registry-pass-1' };
  let harness: Harness;
  let basic: OciRegistry;
  let token: OciRegistry;

  beforeAll(async () => {
    harness = await startHarness({ prefix: 'irc-auth' });
    [basic, token] = await Promise.all([
      startOciRegistry({ auth: { kind: 'basic', ...credentials } }),
      startOciRegistry({ auth: { kind: 'token', ...credentials } }),
    ]);
    await pushImage({ registry: basic.host, insecure: true, credentials }, 'private/app', ['1.0.0', '2.0.0']);
    await pushImage({ registry: token.host, insecure: true, credentials }, 'private/app', ['3.0.0']);
  });
  afterAll(async () => {
    await harness?.stop();
    await Promise.all([basic?.stop(), token?.stop()]);
  });

  it('logs in with Basic auth from spec.secretRef, and with the Bearer token flow', async () => {
    for (const [name, registry] of [
      ['basic', basic],
      ['token', token],
    ] as const) {
      await harness.client.create(
        dockerConfigSecret(
          harness.namespace,
          `${name}-login`,
          registry.host,
          credentials.username,
          credentials.password,
        ),
      );
      await harness.client.create(
        imageRepository(harness.namespace, name, {
          image: `${registry.host}/private/app`,
          insecure: true,
          secretRef: { name: `${name}-login` },
        }),
      );
    }
    const viaBasic = await waitForReady(
      () => readRepository(harness, 'basic'),
      (ready) => ready.status === 'True',
      'basic scanned',
    );
    expect(viaBasic.status?.lastScanResult?.tagCount).toBe(2);
    const viaToken = await waitForReady(
      () => readRepository(harness, 'token'),
      (ready) => ready.status === 'True',
      'token scanned',
    );
    expect(viaToken.status?.lastScanResult?.tagCount).toBe(1);
  });

  it('logs in with the imagePullSecrets of spec.serviceAccountName', async () => {
    await harness.client.create(
      dockerConfigSecret(harness.namespace, 'pull-secret', basic.host, credentials.username, credentials.password),
    );
    await harness.client.create({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'puller', namespace: harness.namespace },
      imagePullSecrets: [{ name: 'pull-secret' }],
    });
    await harness.client.create(
      imageRepository(harness.namespace, 'via-sa', {
        image: `${basic.host}/private/app`,
        insecure: true,
        serviceAccountName: 'puller',
      }),
    );
    const scanned = await waitForReady(
      () => readRepository(harness, 'via-sa'),
      (ready) => ready.status === 'True',
      'via-sa scanned',
    );
    expect(scanned.status?.lastScanResult?.tagCount).toBe(2);
  });

  it('is AuthenticationFailed without a login, with a wrong one, or a Secret that is missing, never showing the password', async () => {
    await harness.client.create(
      dockerConfigSecret(harness.namespace, 'wrong-login', token.host, credentials.username, 'not-the-password'),
    );
    const cases: [string, Partial<ImageRepositorySpec> & { image: string }, string][] = [
      [
        'anonymous',
        { image: `${basic.host}/private/app` },
        'the registry requires credentials and none were given: check spec.secretRef',
      ],
      [
        'wrong',
        { image: `${token.host}/private/app`, secretRef: { name: 'wrong-login' } },
        'check spec.secretRef or spec.serviceAccountName',
      ],
      [
        'no-secret',
        { image: `${basic.host}/private/app`, secretRef: { name: 'absent' } },
        `Secret ${harness.namespace}/absent (spec.secretRef) not found`,
      ],
      [
        'other-host',
        { image: `${basic.host}/private/app`, secretRef: { name: 'wrong-login' } },
        `has no login for registry ${basic.host}`,
      ],
    ];
    for (const [name, spec] of cases)
      await harness.client.create(imageRepository(harness.namespace, name, { ...spec, insecure: true }));
    for (const [name, , message] of cases) {
      const failed = await waitForReady(
        () => readRepository(harness, name),
        (ready) => ready.status === 'False',
        `${name} refused`,
      );
      const ready = failed.status?.conditions?.find((condition) => condition.type === 'Ready');
      expect(ready?.reason).toBe('AuthenticationFailed');
      expect(ready?.message).toContain(message);
      expect(JSON.stringify(failed.status)).not.toContain('not-the-password');
    }
  });
});

describe('ImageRepository over TLS', () => {
  let harness: Harness;
  let registry: OciRegistry;
  let certificates: TestCertificates;

  beforeAll(async () => {
    harness = await startHarness({ prefix: 'irc-tls' });
    certificates = await createTestCertificates();
    // Mutual TLS: the registry refuses a client without a certificate its CA signed.
    registry = await startOciRegistry({
      tls: { cert: certificates.serverCert, key: certificates.serverKey, clientCa: certificates.caCert },
    });
    await pushImage(
      {
        registry: registry.host,
        tls: { ca: certificates.caCert, cert: certificates.clientCert, key: certificates.clientKey },
      },
      'secure/app',
      ['1.0.0'],
    );
  });
  afterAll(async () => {
    await harness?.stop();
    await registry?.stop();
  });

  it('trusts ca.crt and presents tls.crt/tls.key from spec.certSecretRef', async () => {
    await harness.client.create({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'registry-tls', namespace: harness.namespace },
      type: 'kubernetes.io/tls',
      stringData: {
        'ca.crt': certificates.caCert,
        'tls.crt': certificates.clientCert,
        'tls.key': certificates.clientKey,
      },
    });
    await harness.client.create(
      imageRepository(harness.namespace, 'secure', {
        image: `${registry.host}/secure/app`,
        certSecretRef: { name: 'registry-tls' },
      }),
    );
    const scanned = await waitForReady(
      () => readRepository(harness, 'secure'),
      (ready) => ready.status === 'True',
      'secure scanned',
    );
    expect(scanned.status?.lastScanResult?.tagCount).toBe(1);
  });

  it('without the CA, fails naming the registry and what to set', async () => {
    await harness.client.create(
      imageRepository(harness.namespace, 'untrusted', { image: `${registry.host}/secure/app` }),
    );
    const untrusted = await waitForReady(
      () => readRepository(harness, 'untrusted'),
      (ready) => ready.status === 'False',
      'untrusted fails',
    );
    expect(readyOf(untrusted)?.message).toContain(`https://${registry.host}/v2/secure/app/tags/list`);
    expect(readyOf(untrusted)?.message).toContain('check spec.certSecretRef (ca.crt) or spec.insecure');
  });

  it('goes through the proxy of spec.proxySecretRef, with its credentials; a Secret without an address is named', async () => {
    const proxy = await startHttpProxy({ username: 'proxy-user', password: 'proxy-pass' });
    try {
      await harness.client.create({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'proxy', namespace: harness.namespace },
        stringData: { address: proxy.url, username: 'proxy-user', password: 'proxy-pass' },
      });
      await harness.client.create({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'no-address', namespace: harness.namespace },
        stringData: { username: 'x' },
      });
      await harness.client.create(
        imageRepository(harness.namespace, 'proxied', {
          image: `${registry.host}/secure/app`,
          certSecretRef: { name: 'registry-tls' },
          proxySecretRef: { name: 'proxy' },
        }),
      );
      await harness.client.create(
        imageRepository(harness.namespace, 'bad-proxy', {
          image: `${registry.host}/secure/app`,
          proxySecretRef: { name: 'no-address' },
        }),
      );
      const proxied = await waitForReady(
        () => readRepository(harness, 'proxied'),
        (ready) => ready.status === 'True',
        'proxied scanned',
      );
      expect(proxied.status?.lastScanResult?.tagCount).toBe(1);
      expect(proxy.requests).toContain(`CONNECT ${registry.host}`);
      const bad = await waitForReady(
        () => readRepository(harness, 'bad-proxy'),
        (ready) => ready.status === 'False',
        'bad proxy named',
      );
      expect(readyOf(bad)?.message).toBe(
        `Secret ${harness.namespace}/no-address (spec.proxySecretRef) has no 'address' key`,
      );
    } finally {
      await proxy.stop();
    }
  });
});

describe('a suspended ImageRepository', () => {
  let harness: Harness;
  let registry: OciRegistry;

  beforeAll(async () => {
    harness = await startHarness({ prefix: 'irc-suspend' });
    registry = await startOciRegistry();
    await pushImage({ registry: registry.host, insecure: true }, 'team/paused', ['1.0.0']);
  });
  afterAll(async () => {
    await harness?.stop();
    await registry?.stop();
  });

  it('is not scanned until resumed', async () => {
    await harness.client.create(
      imageRepository(harness.namespace, 'paused', {
        image: `${registry.host}/team/paused`,
        insecure: true,
        suspend: true,
      }),
    );
    await harness.client.create(
      imageRepository(harness.namespace, 'canary', { image: `${registry.host}/team/paused`, insecure: true }),
    );
    // The canary, created after it, being scanned shows the controller got to both.
    await waitForReady(
      () => readRepository(harness, 'canary'),
      (ready) => ready.status === 'True',
      'canary scanned',
    );
    expect((await readRepository(harness, 'paused')).status?.lastScanResult).toBeUndefined();
    await harness.client.patch(
      {
        apiVersion: 'image.toolkit.fluxcd.io/v1',
        kind: 'ImageRepository',
        namespace: harness.namespace,
        name: 'paused',
      },
      { spec: { suspend: false } },
      'merge',
    );
    const resumed = await waitForReady(
      () => readRepository(harness, 'paused'),
      (ready) => ready.status === 'True',
      'paused resumed',
    );
    expect(resumed.status?.lastScanResult?.tagCount).toBe(1);
  });
});
