// The OCI registry client against Debian's docker-registry: anonymous, htpasswd basic auth, the Bearer token flow,
// HTTPS with a CA and client certificates, tag pages, blob limits, and a 429 with Retry-After from a proxy in front.
import { createServer, request as httpRequest } from 'node:http';
import {
  createTestCertificates,
  startHttpProxy,
  startOciRegistry,
  type OciRegistry,
  type TestCertificates,
} from '@fluxion/testenv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ociImageIndex, ociImageManifest } from '../src/oci/media-types.ts';
import { RegistryClient, type RegistryClientOptions } from '../src/oci/registry-client.ts';
import { RegistryError } from '../src/oci/registry-error.ts';
import type { ImageManifest } from '../src/oci/manifest.ts';

const credentials = { username: 'flux', password: 's3cret-pass' };
const layerType = 'application/vnd.cncf.flux.content.v1.tar+gzip';

/** Pushes a config, one layer and a manifest under `tag`; returns the manifest digest and the layer. */
async function pushArtifact(client: RegistryClient, repository: string, tag: string, content: string) {
  const config = await client.pushBlob(repository, Buffer.from('{}'), 'application/vnd.cncf.flux.config.v1+json');
  const layerBytes = Buffer.from(content);
  const layer = await client.pushBlob(repository, layerBytes, layerType);
  const manifest: ImageManifest = { schemaVersion: 2, mediaType: ociImageManifest, config, layers: [layer] };
  const pushed = await client.pushManifest(repository, tag, manifest, ociImageManifest);
  return { digest: pushed.digest, layer, layerBytes };
}

async function failure(promise: Promise<unknown>): Promise<RegistryError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(RegistryError);
    return error as RegistryError;
  }
  throw new Error('expected a RegistryError, the call succeeded');
}

describe('RegistryClient against an anonymous registry', () => {
  let registry: OciRegistry;
  let client: RegistryClient;
  beforeAll(async () => {
    registry = await startOciRegistry();
    client = new RegistryClient({ registry: registry.host, insecure: true });
  });
  afterAll(async () => {
    client.close();
    await registry.stop();
  });

  it('pushes an artifact, HEADs and GETs its manifest and streams its layer with the digest checked', async () => {
    const { digest, layer, layerBytes } = await pushArtifact(client, 'team/app', 'v1.0.0', 'hello layer');
    const head = await client.headManifest('team/app', 'v1.0.0');
    expect(head).toMatchObject({ digest, mediaType: ociImageManifest });
    const fetched = await client.getManifest('team/app', digest);
    expect(fetched.descriptor.digest).toBe(digest);
    expect((fetched.manifest as ImageManifest).layers[0]).toEqual(layer);
    expect(await client.readBlob('team/app', layer.digest)).toEqual(layerBytes);
    expect(await client.blobExists('team/app', layer.digest)).toBe(true);
  });

  it('refuses a blob past the size limit, naming its URL', async () => {
    const { layer } = await pushArtifact(client, 'team/big', 'latest', 'x'.repeat(4096));
    const error = await failure(client.readBlob('team/big', layer.digest, { maxSize: 1000 }));
    expect(error.code).toBe('TooLarge');
    expect(error.message).toContain(`${registry.url}/v2/team/big/blobs/${layer.digest}`);
  });

  it('answers NotFound for a missing tag and a missing repository', async () => {
    expect((await failure(client.headManifest('team/app', 'v9.9.9'))).code).toBe('NotFound');
    const error = await failure(client.getManifest('nobody/here', 'latest'));
    expect(error.code).toBe('NotFound');
    expect(error.message).toContain(`${registry.url}/v2/nobody/here/manifests/latest`);
  });

  it('reads an image index', async () => {
    const { digest } = await pushArtifact(client, 'team/multi', 'single', 'arch layer');
    const image = await client.headManifest('team/multi', digest);
    const index = {
      schemaVersion: 2 as const,
      mediaType: ociImageIndex,
      manifests: [{ ...image, platform: { architecture: 'amd64', os: 'linux' } }],
    };
    const pushed = await client.pushManifest('team/multi', 'multi', index, ociImageIndex);
    const fetched = await client.getManifest('team/multi', 'multi');
    expect(fetched.descriptor).toMatchObject({ digest: pushed.digest, mediaType: ociImageIndex });
    expect('manifests' in fetched.manifest && fetched.manifest.manifests[0]?.digest).toBe(digest);
  });

  it('lists every tag across Link-paginated pages', async () => {
    const tags = ['v1', 'v2', 'v3', 'v4', 'v5'];
    for (const tag of tags) await pushArtifact(client, 'team/paged', tag, `content ${tag}`);
    expect((await client.listTags('team/paged', { pageSize: 2 })).sort()).toEqual(tags);
  });

  it('refuses to speak HTTPS to a plain HTTP registry unless insecure', async () => {
    const strict = new RegistryClient({ registry: registry.host, timeoutMs: 5_000 });
    const error = await failure(strict.listTags('team/app'));
    strict.close();
    expect(['Tls', 'Unreachable']).toContain(error.code);
    expect(error.message).toContain(`https://${registry.host}/v2/team/app/tags/list`);
  });
});

describe('RegistryClient with basic auth (htpasswd)', () => {
  let registry: OciRegistry;
  beforeAll(async () => {
    registry = await startOciRegistry({ auth: { kind: 'basic', ...credentials } });
  });
  afterAll(async () => registry.stop());

  it('pushes and pulls with the right credentials', async () => {
    const client = new RegistryClient({ registry: registry.host, insecure: true, credentials });
    const { digest } = await pushArtifact(client, 'private/app', 'v1', 'secret manifests');
    expect((await client.headManifest('private/app', 'v1')).digest).toBe(digest);
    client.close();
  });

  it('answers Unauthorized for a wrong password and for none, without echoing the password', async () => {
    const wrong = new RegistryClient({
      registry: registry.host,
      insecure: true,
      credentials: { username: 'flux', password: 'nope-wrong' },
    });
    const error = await failure(wrong.headManifest('private/app', 'v1'));
    expect(error.code).toBe('Unauthorized');
    expect(error.message).toContain(`${registry.url}/v2/private/app/manifests/v1`);
    expect(error.message).not.toContain('nope-wrong');
    const anonymous = new RegistryClient({ registry: registry.host, insecure: true });
    expect((await failure(anonymous.listTags('private/app'))).code).toBe('Unauthorized');
    wrong.close();
    anonymous.close();
  });
});

describe('RegistryClient with the Bearer token flow', () => {
  let registry: OciRegistry;
  beforeAll(async () => {
    registry = await startOciRegistry({ auth: { kind: 'token', ...credentials, anonymousPull: true } });
  });
  afterAll(async () => registry.stop());

  it('gets a token for the scope, reuses it, and pulls anonymously where the token server allows', async () => {
    const client = new RegistryClient({ registry: registry.host, insecure: true, credentials });
    const { digest, layer } = await pushArtifact(client, 'tokened/app', 'v1', 'token layer');
    const issuedAfterPush = registry.tokenServer!.requests().issued;
    expect(issuedAfterPush).toBeGreaterThan(0);
    for (let i = 0; i < 5; i++) expect((await client.headManifest('tokened/app', 'v1')).digest).toBe(digest);
    // one pull-scope token for all five HEADs
    expect(registry.tokenServer!.requests().issued).toBeLessThanOrEqual(issuedAfterPush + 1);
    const anonymous = new RegistryClient({ registry: registry.host, insecure: true });
    expect((await anonymous.readBlob('tokened/app', layer.digest)).toString()).toBe('token layer');
    const anonymousPush = await failure(anonymous.pushBlob('tokened/app', Buffer.from('not allowed'), layerType));
    expect(anonymousPush.code).toBe('Unauthorized');
    client.close();
    anonymous.close();
  });

  it('names the token endpoint when it refuses the credentials', async () => {
    const wrong = new RegistryClient({
      registry: registry.host,
      insecure: true,
      credentials: { username: 'flux', password: 'bad-one' },
    });
    const error = await failure(wrong.headManifest('tokened/app', 'v1'));
    expect(error.code).toBe('Unauthorized');
    expect(error.message).toContain(`${registry.tokenServer!.url}/token`);
    expect(error.message).not.toContain('bad-one');
    wrong.close();
  });
});

describe('RegistryClient over HTTPS', () => {
  let certificates: TestCertificates;
  let registry: OciRegistry;
  let mutual: OciRegistry;
  beforeAll(async () => {
    certificates = await createTestCertificates();
    registry = await startOciRegistry({ tls: { cert: certificates.serverCert, key: certificates.serverKey } });
    mutual = await startOciRegistry({
      tls: { cert: certificates.serverCert, key: certificates.serverKey, clientCa: certificates.caCert },
    });
  });
  afterAll(async () => {
    await registry.stop();
    await mutual.stop();
  });

  it('trusts the registry through the given CA and refuses it without', async () => {
    const trusted = new RegistryClient({ registry: registry.host, tls: { ca: certificates.caCert } });
    const { digest } = await pushArtifact(trusted, 'tls/app', 'v1', 'over tls');
    expect((await trusted.headManifest('tls/app', 'v1')).digest).toBe(digest);
    trusted.close();
    const untrusted = new RegistryClient({ registry: registry.host });
    const error = await failure(untrusted.headManifest('tls/app', 'v1'));
    expect(error.code).toBe('Tls');
    expect(error.message).toContain(`https://${registry.host}/v2/tls/app/manifests/v1`);
    untrusted.close();
  });

  it('presents a client certificate to a registry that requires one', async () => {
    const tls = { ca: certificates.caCert, cert: certificates.clientCert, key: certificates.clientKey };
    const withCert = new RegistryClient({ registry: mutual.host, tls });
    await pushArtifact(withCert, 'mtls/app', 'v1', 'mutual');
    expect(await withCert.listTags('mtls/app')).toEqual(['v1']);
    withCert.close();
    const withoutCert = new RegistryClient({ registry: mutual.host, tls: { ca: certificates.caCert } });
    const error = await failure(withoutCert.listTags('mtls/app'));
    expect(['Tls', 'Unreachable']).toContain(error.code);
    withoutCert.close();
  });
});

describe('RegistryClient and 429 Too Many Requests', () => {
  it('waits for Retry-After and tries again', async () => {
    const registry = await startOciRegistry();
    const seed = new RegistryClient({ registry: registry.host, insecure: true });
    const { digest } = await pushArtifact(seed, 'limited/app', 'v1', 'rate limited');
    seed.close();
    // A proxy in front of the real registry that turns away the first manifest request, as a rate limiter would.
    const seen: number[] = [];
    const proxy = createServer((incoming, outgoing) => {
      if (incoming.url?.includes('/manifests/') && seen.length === 0) {
        seen.push(Date.now());
        outgoing.writeHead(429, { 'Retry-After': '1' }).end();
        return;
      }
      if (incoming.url?.includes('/manifests/')) seen.push(Date.now());
      const upstream = httpRequest(
        `${registry.url}${incoming.url}`,
        { method: incoming.method, headers: incoming.headers },
        (answer) => {
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(outgoing);
        },
      );
      incoming.pipe(upstream);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const port = (proxy.address() as { port: number }).port;
    try {
      const client = new RegistryClient({
        registry: `127.0.0.1:${port}`,
        insecure: true,
      } satisfies RegistryClientOptions);
      expect((await client.headManifest('limited/app', 'v1')).digest).toBe(digest);
      expect(seen).toHaveLength(2);
      expect(seen[1]! - seen[0]!).toBeGreaterThanOrEqual(900);
      client.close();
      const impatient = new RegistryClient({ registry: `127.0.0.1:${port}`, insecure: true, maxRetries: 0 });
      seen.length = 0;
      expect((await failure(impatient.headManifest('limited/app', 'v1'))).code).toBe('TooManyRequests');
      impatient.close();
    } finally {
      proxy.closeAllConnections();
      proxy.close();
      await registry.stop();
    }
  });
});

describe('RegistryClient through an HTTP proxy', () => {
  it('sends plain HTTP through the proxy and HTTPS through a CONNECT tunnel, with proxy credentials', async () => {
    const certificates = await createTestCertificates();
    const plain = await startOciRegistry();
    const secure = await startOciRegistry({ tls: { cert: certificates.serverCert, key: certificates.serverKey } });
    const proxy = await startHttpProxy({ username: 'proxy-user', password: 'proxy-pass' });
    const proxyUrl = `http://proxy-user:proxy-pass@127.0.0.1:${proxy.port}`;
    try {
      const viaProxy = new RegistryClient({ registry: plain.host, insecure: true, proxy: proxyUrl });
      const { digest } = await pushArtifact(viaProxy, 'proxied/app', 'v1', 'through the proxy');
      expect((await viaProxy.headManifest('proxied/app', 'v1')).digest).toBe(digest);
      viaProxy.close();
      expect(proxy.requests).toContain(`HEAD http://${plain.host}/v2/proxied/app/manifests/v1`);

      const tunnelled = new RegistryClient({
        registry: secure.host,
        tls: { ca: certificates.caCert },
        proxy: proxyUrl,
      });
      await pushArtifact(tunnelled, 'proxied/tls', 'v1', 'tunnelled');
      expect(await tunnelled.listTags('proxied/tls')).toEqual(['v1']);
      tunnelled.close();
      expect(proxy.requests).toContain(`CONNECT ${secure.host}`);

      const refused = proxy.refused;
      const wrong = new RegistryClient({
        registry: plain.host,
        insecure: true,
        proxy: `http://proxy-user:nope@127.0.0.1:${proxy.port}`,
      });
      const error = await failure(wrong.headManifest('proxied/app', 'v1'));
      wrong.close();
      expect(proxy.refused).toBeGreaterThan(refused);
      expect(error.message).toContain('407');
      expect(error.message).not.toContain('nope');
    } finally {
      await proxy.stop();
      await plain.stop();
      await secure.stop();
    }
  });
});
