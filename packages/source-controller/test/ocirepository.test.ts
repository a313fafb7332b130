// OCIRepository against Debian's docker-registry: Flux-format and plain artifacts, tag/semver/digest refs, the
// unchanged-digest cycle (HEAD only), layerSelector, ignore, credentials, TLS, and bad input keeping the last artifact.
import { createServer, type AddressInfo, type Socket } from 'node:net';
import type { CoreV1Event } from '@kubernetes/client-node';
import { RegistryClient } from '@fluxion/runtime';
import {
  createTestCertificates,
  eventually,
  startHttpProxy,
  fluxContentMediaType,
  pushArtifact,
  startOciRegistry,
  type OciRegistry,
} from '@fluxion/testenv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { download, fileInArchive, filesInArchive, sha256 } from './support/harness.ts';
import {
  createOCIRepository,
  dockerConfigJson,
  getOCIRepository,
  ociRepositoryRef,
  type OciHarness,
  registryRequests,
  requestOciReconcile,
  startOciHarness,
  waitForCondition,
  waitForOciReady,
} from './support/oci-harness.ts';

const manifests = {
  'deploy/configmap.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-oci\ndata:\n  key: one\n',
  'README.md': '# not a manifest\n',
};

async function eventsOf(harness: OciHarness, name: string): Promise<CoreV1Event[]> {
  const { items } = await harness.client.list<CoreV1Event>(
    { group: '', version: 'v1', kind: 'Event' },
    {
      namespace: harness.namespace,
      fieldSelector: `involvedObject.name=${name}`,
    },
  );
  return items;
}

describe('OCIRepository', () => {
  let harness: OciHarness;
  let registry: OciRegistry;
  let push: RegistryClient;
  const url = (repository: string) => `oci://${registry.host}/${repository}`;

  beforeAll(async () => {
    registry = await startOciRegistry();
    push = new RegistryClient({ registry: registry.host, insecure: true });
    harness = await startOciHarness({ maxLayerBytes: 1024 * 1024, maxExtractedBytes: 64 * 1024 });
  });
  afterAll(async () => {
    await harness?.stop();
    push.close();
    await registry?.stop();
  });

  it('stores a Flux-format artifact at <tag>@sha256:<digest>, serves it, and an unchanged digest downloads nothing', async () => {
    const pushed = await pushArtifact(push, {
      repository: 'apps/flux',
      tag: 'v1.0.0',
      files: manifests,
      source: 'https://git.example/apps',
      revision: 'main@sha1:abc',
    });
    await createOCIRepository(harness, 'flux-format', {
      url: url('apps/flux'),
      ref: { tag: 'v1.0.0' },
      insecure: true,
    });
    const ready = await waitForOciReady(harness, 'flux-format', pushed.revision);
    const artifact = ready.status!.artifact!;
    expect(artifact.revision).toMatch(/^v1\.0\.0@sha256:[a-f0-9]{64}$/);
    expect(artifact.metadata?.['org.opencontainers.image.source']).toBe('https://git.example/apps');
    const bytes = await download(artifact.url);
    expect(sha256(bytes)).toBe(artifact.digest);
    expect(filesInArchive(bytes)).toEqual(['README.md', 'deploy/configmap.yaml']);
    expect(fileInArchive(bytes, 'deploy/configmap.yaml')).toContain('name: from-oci');
    const events = await eventually(async () => {
      const found = (await eventsOf(harness, 'flux-format')).filter((event) => event.reason === 'NewArtifact');
      if (found.length === 0) throw new Error('no NewArtifact event yet');
      return found;
    });
    expect(events[0]!.metadata?.annotations?.['source.toolkit.fluxcd.io/revision']).toBe(pushed.revision);

    const blobGets = registryRequests(registry.logFile, 'GET', '/v2/apps/flux/blobs/');
    expect(blobGets).toBeGreaterThan(0);
    const manifestGets = registryRequests(registry.logFile, 'GET', '/v2/apps/flux/manifests/');
    await requestOciReconcile(harness, 'flux-format');
    await requestOciReconcile(harness, 'flux-format');
    expect(registryRequests(registry.logFile, 'GET', '/v2/apps/flux/blobs/')).toBe(blobGets);
    expect(registryRequests(registry.logFile, 'GET', '/v2/apps/flux/manifests/')).toBe(manifestGets);
    expect(registryRequests(registry.logFile, 'HEAD', '/v2/apps/flux/manifests/v1.0.0')).toBeGreaterThanOrEqual(3);
    expect((await getOCIRepository(harness, 'flux-format')).status?.artifact?.digest).toBe(artifact.digest);
  });

  it('follows a semver range (with semverFilter) over plain tar.gz image layers and rolls to a new tag in range', async () => {
    await pushArtifact(push, {
      repository: 'apps/plain',
      tag: '1.0.0',
      files: { 'app.yaml': 'v: 1.0.0\n' },
      format: 'plain',
    });
    await pushArtifact(push, {
      repository: 'apps/plain',
      tag: '2.0.0',
      files: { 'app.yaml': 'v: 2.0.0\n' },
      format: 'plain',
    });
    await pushArtifact(push, {
      repository: 'apps/plain',
      tag: '1.1.0-rc.1',
      files: { 'app.yaml': 'rc\n' },
      format: 'plain',
    });
    await createOCIRepository(harness, 'plain-semver', {
      url: url('apps/plain'),
      ref: { semver: '>=1.0.0 <2.0.0', semverFilter: '^1\\.' },
      insecure: true,
    });
    const first = await waitForOciReady(harness, 'plain-semver');
    expect(first.status?.artifact?.revision).toMatch(/^1\.0\.0@sha256:/);
    expect(fileInArchive(await download(first.status!.artifact!.url), 'app.yaml')).toBe('v: 1.0.0\n');

    const next = await pushArtifact(push, {
      repository: 'apps/plain',
      tag: '1.2.0',
      files: { 'app.yaml': 'v: 1.2.0\n' },
      format: 'plain',
    });
    await requestOciReconcile(harness, 'plain-semver');
    const rolled = await waitForOciReady(harness, 'plain-semver', next.revision);
    expect(fileInArchive(await download(rolled.status!.artifact!.url), 'app.yaml')).toBe('v: 1.2.0\n');
  });

  it('pins a digest (revision is the digest), copies a selected layer as is, and applies ignore rules', async () => {
    const pushed = await pushArtifact(push, {
      repository: 'apps/layers',
      tag: 'v1',
      files: { 'keep.yaml': 'a: 1\n', 'drop.txt': 'x\n' },
      extraLayers: [{ content: Buffer.from('{"extra":true}'), mediaType: 'application/vnd.example.extra+json' }],
    });
    await createOCIRepository(harness, 'by-digest', {
      url: url('apps/layers'),
      ref: { digest: pushed.digest },
      insecure: true,
      ignore: '*.txt',
    });
    const byDigest = await waitForOciReady(harness, 'by-digest', pushed.digest);
    expect(filesInArchive(await download(byDigest.status!.artifact!.url))).toEqual(['keep.yaml']);
    expect(byDigest.status?.observedIgnore).toBe('*.txt');

    await createOCIRepository(harness, 'copy-layer', {
      url: url('apps/layers'),
      ref: { tag: 'v1' },
      insecure: true,
      layerSelector: { mediaType: fluxContentMediaType, operation: 'copy' },
    });
    const copied = await waitForOciReady(harness, 'copy-layer', pushed.revision);
    expect(copied.status?.artifact?.digest).toBe(pushed.layer.digest);
    expect(await download(copied.status!.artifact!.url)).toEqual(pushed.layerBytes);
    expect(copied.status?.observedLayerSelector).toEqual({ mediaType: fluxContentMediaType, operation: 'copy' });

    await createOCIRepository(harness, 'no-such-layer', {
      url: url('apps/layers'),
      ref: { tag: 'v1' },
      insecure: true,
      layerSelector: { mediaType: 'application/vnd.example.none' },
    });
    const failed = await waitForCondition(
      harness,
      'no-such-layer',
      /no layer of media type 'application\/vnd\.example\.none'/,
    );
    expect(failed.status?.conditions?.find((c) => c.type === 'Ready')?.reason).toBe('OCIArtifactLayerOperationFailed');
    expect(failed.status?.conditions?.find((c) => c.type === 'Ready')?.message).toContain(
      `${registry.url}/v2/apps/layers/manifests/`,
    );
  });

  it('names the URL on a missing tag, an image index and hostile layers, and keeps serving the last artifact', async () => {
    const good = await pushArtifact(push, { repository: 'apps/bad', tag: 'good', files: manifests });
    await createOCIRepository(harness, 'bad-input', { url: url('apps/bad'), ref: { tag: 'good' }, insecure: true });
    const ready = await waitForOciReady(harness, 'bad-input', good.revision);
    const lastGood = ready.status!.artifact!;

    const expectFailure = async (tag: string, message: RegExp, reason: string) => {
      await harness.client.patch(ociRepositoryRef(harness.namespace, 'bad-input'), { spec: { ref: { tag } } }, 'merge');
      const failed = await waitForCondition(harness, 'bad-input', message);
      const condition = failed.status!.conditions!.find((c) => c.type === 'Ready')!;
      expect(condition.reason).toBe(reason);
      expect(failed.status?.artifact?.revision).toBe(lastGood.revision);
      expect(sha256(await download(failed.status!.artifact!.url))).toBe(lastGood.digest);
      return condition.message;
    };

    const missing = await expectFailure('v404', /HTTP 404/, 'OCIArtifactPullFailed');
    expect(missing).toContain(`${registry.url}/v2/apps/bad/manifests/v404`);

    const image = await push.headManifest('apps/bad', 'good');
    await push.pushManifest(
      'apps/bad',
      'index',
      { schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [image] },
      'application/vnd.oci.image.index.v1+json',
    );
    await expectFailure(
      'index',
      /unexpected media type 'application\/vnd\.oci\.image\.index\.v1\+json'/,
      'OCIArtifactPullFailed',
    );

    const dotdot = await pushArtifact(push, {
      repository: 'apps/bad',
      tag: 'dotdot',
      entries: [{ path: '../escape.yaml', content: 'x' }],
    });
    expect(
      await expectFailure('dotdot', /entry '\.\.\/escape\.yaml' leaves the archive/, 'OCIArtifactLayerOperationFailed'),
    ).toContain(`${registry.url}/v2/apps/bad/blobs/${dotdot.layer.digest}`);
    await pushArtifact(push, {
      repository: 'apps/bad',
      tag: 'absolute',
      entries: [{ path: '/etc/evil.yaml', content: 'x' }],
    });
    await expectFailure('absolute', /entry '\/etc\/evil\.yaml' leaves the archive/, 'OCIArtifactLayerOperationFailed');
    await pushArtifact(push, {
      repository: 'apps/bad',
      tag: 'symlink',
      entries: [{ path: 'deploy/link', type: 'symlink', target: '../../../etc/passwd' }],
    });
    await expectFailure(
      'symlink',
      /entry 'deploy\/link' links to '\.\.\/\.\.\/\.\.\/etc\/passwd', outside the archive/,
      'OCIArtifactLayerOperationFailed',
    );
    await pushArtifact(push, { repository: 'apps/bad', tag: 'bomb', files: { 'big.yaml': 'a'.repeat(200 * 1024) } });
    await expectFailure('bomb', /unpacks past the size limit of 65536 bytes/, 'OCIArtifactLayerOperationFailed');
  });

  it('stalls on spec.verify and cloud providers instead of pulling unverified', async () => {
    await createOCIRepository(harness, 'verify', {
      url: url('apps/flux'),
      insecure: true,
      verify: { provider: 'cosign' },
    });
    await waitForCondition(harness, 'verify', /spec\.verify .* is not supported yet/, {
      type: 'Stalled',
      status: 'True',
    });
    await createOCIRepository(harness, 'aws', { url: url('apps/flux'), provider: 'aws' });
    const stalled = await waitForCondition(harness, 'aws', /spec\.provider 'aws' .* is not supported yet/, {
      type: 'Stalled',
      status: 'True',
    });
    expect(stalled.status?.artifact).toBeUndefined();
  });

  it('gives up on a registry that never answers after spec.timeout, naming the URL', async () => {
    // accepts connections and then says nothing, as a hung registry or a black-holing firewall would
    const silent = createServer((socket) => sockets.push(socket));
    const sockets: Socket[] = [];
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const host = `127.0.0.1:${(silent.address() as AddressInfo).port}`;
    try {
      await createOCIRepository(harness, 'hung', {
        url: `oci://${host}/apps/hung`,
        ref: { tag: 'v1' },
        insecure: true,
        timeout: '2s',
      });
      const failed = await waitForCondition(
        harness,
        'hung',
        new RegExp(`http://${host.replace(/\./g, '\\.')}/v2/apps/hung/manifests/v1`),
      );
      expect(failed.status!.conditions!.find((c) => c.type === 'Ready')?.reason).toBe('OCIArtifactPullFailed');
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
  });

  it('does nothing while suspended, and pulls once resumed', async () => {
    const pushed = await pushArtifact(push, { repository: 'apps/suspended', tag: 'v1', files: manifests });
    await createOCIRepository(harness, 'suspended', {
      url: url('apps/suspended'),
      ref: { tag: 'v1' },
      insecure: true,
      suspend: true,
    });
    // a later object is reconciled, so the suspended one has been seen and passed over
    await createOCIRepository(harness, 'after-suspended', {
      url: url('apps/suspended'),
      ref: { tag: 'v1' },
      insecure: true,
    });
    await waitForOciReady(harness, 'after-suspended', pushed.revision);
    const suspended = await getOCIRepository(harness, 'suspended');
    expect(suspended.status?.artifact).toBeUndefined();
    expect(registryRequests(registry.logFile, 'HEAD', '/v2/apps/suspended/manifests/v1')).toBe(1);
    await harness.client.patch(ociRepositoryRef(harness.namespace, 'suspended'), { spec: { suspend: false } }, 'merge');
    await waitForOciReady(harness, 'suspended', pushed.revision);
  });

  it('removes its artifacts when deleted', async () => {
    const pushed = await pushArtifact(push, { repository: 'apps/gone', tag: 'v1', files: manifests });
    await createOCIRepository(harness, 'gone', { url: url('apps/gone'), ref: { tag: 'v1' }, insecure: true });
    const ready = await waitForOciReady(harness, 'gone', pushed.revision);
    const artifactUrl = ready.status!.artifact!.url;
    await harness.client.delete(ociRepositoryRef(harness.namespace, 'gone'));
    await eventually(async () => {
      const response = await fetch(artifactUrl);
      if (response.status !== 404) throw new Error(`artifact still served: ${response.status}`);
    });
  });
});

describe('OCIRepository credentials and TLS', () => {
  let harness: OciHarness;
  const username = 'puller';
  const password = 'registry-pass-123';

  beforeAll(async () => {
    harness = await startOciHarness();
  });
  afterAll(async () => harness?.stop());

  const createDockerSecret = (name: string, host: string, secretPassword: string) =>
    harness.client.create({
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'kubernetes.io/dockerconfigjson',
      metadata: { name, namespace: harness.namespace },
      stringData: { '.dockerconfigjson': dockerConfigJson(host, username, secretPassword) },
    } as never);

  it('pulls with basic auth from secretRef, and names the URL on wrong credentials without the password', async () => {
    const registry = await startOciRegistry({ auth: { kind: 'basic', username, password } });
    try {
      const push = new RegistryClient({ registry: registry.host, insecure: true, credentials: { username, password } });
      const pushed = await pushArtifact(push, { repository: 'private/app', tag: 'v1', files: manifests });
      push.close();
      await createDockerSecret('basic-good', registry.host, password);
      await createDockerSecret('basic-bad', registry.host, 'wrong-password-456');
      await createOCIRepository(harness, 'basic-good', {
        url: `oci://${registry.host}/private/app`,
        ref: { tag: 'v1' },
        insecure: true,
        secretRef: { name: 'basic-good' },
      });
      await waitForOciReady(harness, 'basic-good', pushed.revision);
      await createOCIRepository(harness, 'basic-bad', {
        url: `oci://${registry.host}/private/app`,
        ref: { tag: 'v1' },
        insecure: true,
        secretRef: { name: 'basic-bad' },
      });
      const failed = await waitForCondition(harness, 'basic-bad', /HTTP 401/);
      const ready = failed.status!.conditions!.find((c) => c.type === 'Ready')!;
      expect(ready.reason).toBe('AuthenticationFailed');
      expect(ready.message).toContain(`${registry.url}/v2/private/app/manifests/v1`);
      const everything = JSON.stringify([failed.status, await eventsOf(harness, 'basic-bad'), harness.logs]);
      expect(everything).not.toContain('wrong-password-456');
      expect(everything).not.toContain(Buffer.from(`${username}:wrong-password-456`).toString('base64'));
    } finally {
      await registry.stop();
    }
  });

  it('pulls through the token flow with the ServiceAccount imagePullSecrets', async () => {
    const registry = await startOciRegistry({ auth: { kind: 'token', username, password } });
    try {
      const push = new RegistryClient({ registry: registry.host, insecure: true, credentials: { username, password } });
      const pushed = await pushArtifact(push, { repository: 'tokened/app', tag: 'v1', files: manifests });
      push.close();
      await createDockerSecret('token-pull', registry.host, password);
      await harness.client.create({
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { name: 'puller', namespace: harness.namespace },
        imagePullSecrets: [{ name: 'token-pull' }],
      } as never);
      await createOCIRepository(harness, 'token', {
        url: `oci://${registry.host}/tokened/app`,
        ref: { tag: 'v1' },
        insecure: true,
        serviceAccountName: 'puller',
      });
      await waitForOciReady(harness, 'token', pushed.revision);
      expect(registry.tokenServer!.requests().issued).toBeGreaterThan(1);
      await createOCIRepository(harness, 'token-anonymous', {
        url: `oci://${registry.host}/tokened/app`,
        ref: { tag: 'v1' },
        insecure: true,
      });
      await waitForCondition(harness, 'token-anonymous', /HTTP 401/);
    } finally {
      await registry.stop();
    }
  });

  it('trusts an HTTPS registry through certSecretRef ca.crt and presents tls.crt/tls.key', async () => {
    const certificates = await createTestCertificates();
    const registry = await startOciRegistry({
      tls: { cert: certificates.serverCert, key: certificates.serverKey, clientCa: certificates.caCert },
    });
    try {
      const push = new RegistryClient({
        registry: registry.host,
        tls: { ca: certificates.caCert, cert: certificates.clientCert, key: certificates.clientKey },
      });
      const pushed = await pushArtifact(push, { repository: 'tls/app', tag: 'v1', files: manifests });
      push.close();
      await harness.client.create({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'registry-tls', namespace: harness.namespace },
        stringData: {
          'ca.crt': certificates.caCert,
          'tls.crt': certificates.clientCert,
          'tls.key': certificates.clientKey,
        },
      } as never);
      await harness.client.create({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'registry-ca-only', namespace: harness.namespace },
        stringData: { 'ca.crt': certificates.caCert },
      } as never);
      await createOCIRepository(harness, 'mtls', {
        url: `oci://${registry.host}/tls/app`,
        ref: { tag: 'v1' },
        certSecretRef: { name: 'registry-tls' },
      });
      await waitForOciReady(harness, 'mtls', pushed.revision);
      await createOCIRepository(harness, 'no-client-cert', {
        url: `oci://${registry.host}/tls/app`,
        ref: { tag: 'v1' },
        certSecretRef: { name: 'registry-ca-only' },
      });
      await waitForCondition(
        harness,
        'no-client-cert',
        new RegExp(`https://${registry.host.replace(/\./g, '\\.')}/v2/tls/app/manifests/v1`),
      );
    } finally {
      await registry.stop();
    }
  });

  it('reaches the registry through the proxy of proxySecretRef, with its credentials', async () => {
    const registry = await startOciRegistry();
    const proxy = await startHttpProxy({ username: 'proxy-user', password: 'proxy-secret-789' });
    try {
      const push = new RegistryClient({ registry: registry.host, insecure: true });
      const pushed = await pushArtifact(push, { repository: 'proxied/app', tag: 'v1', files: manifests });
      push.close();
      await harness.client.create({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'proxy', namespace: harness.namespace },
        stringData: { address: proxy.url, username: 'proxy-user', password: 'proxy-secret-789' },
      } as never);
      await createOCIRepository(harness, 'proxied', {
        url: `oci://${registry.host}/proxied/app`,
        ref: { tag: 'v1' },
        insecure: true,
        proxySecretRef: { name: 'proxy' },
      });
      await waitForOciReady(harness, 'proxied', pushed.revision);
      expect(proxy.requests).toContain(`HEAD http://${registry.host}/v2/proxied/app/manifests/v1`);
      expect(proxy.requests.some((line) => line.startsWith(`GET http://${registry.host}/v2/proxied/app/blobs/`))).toBe(
        true,
      );
      await harness.client.create({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'proxy-wrong', namespace: harness.namespace },
        stringData: { address: proxy.url, username: 'proxy-user', password: 'not-the-proxy-pass' },
      } as never);
      await createOCIRepository(harness, 'proxied-wrong', {
        url: `oci://${registry.host}/proxied/app`,
        ref: { tag: 'v1' },
        insecure: true,
        proxySecretRef: { name: 'proxy-wrong' },
      });
      const failed = await waitForCondition(harness, 'proxied-wrong', /407/);
      expect(JSON.stringify([failed.status, await eventsOf(harness, 'proxied-wrong')])).not.toContain(
        'not-the-proxy-pass',
      );
    } finally {
      await proxy.stop();
      await registry.stop();
    }
  });
});
