// The OCI registry client through an HTTP proxy (CONNECT tunnels), against Debian's docker-registry: plain HTTP,
// HTTPS with a private CA, the token flow whose endpoint is another host, and a proxy that refuses or is not there.
import { createTestCertificates, startHttpProxy, startOciRegistry, type HttpProxy, type OciRegistry } from '@fluxion/testenv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ociEmptyConfig, ociImageManifest, ociLayerTarGzip } from '../src/oci/media-types.ts';
import { RegistryClient, type RegistryClientOptions } from '../src/oci/registry-client.ts';
import { RegistryError } from '../src/oci/registry-error.ts';

const proxyAuth = { username: 'proxy-user', password: 'proxy-pass' };
const credentials = { username: 'ci', password: 'registry-pass' };

async function pushTags(options: RegistryClientOptions, repository: string, tags: string[]): Promise<void> {
  const client = new RegistryClient(options);
  const config = await client.pushBlob(repository, Buffer.from('{}'), ociEmptyConfig);
  const layer = await client.pushBlob(repository, Buffer.from('layer'), ociLayerTarGzip);
  for (const tag of tags) await client.pushManifest(repository, tag, { schemaVersion: 2, mediaType: ociImageManifest, config, layers: [layer] }, ociImageManifest);
  client.close();
}

async function listThrough(options: RegistryClientOptions, repository: string): Promise<string[]> {
  const client = new RegistryClient(options);
  try {
    return await client.listTags(repository);
  } finally {
    client.close();
  }
}

describe('RegistryClient through an HTTP proxy', () => {
  let proxy: HttpProxy;
  let plain: OciRegistry;
  let secure: OciRegistry;
  let tokened: OciRegistry;
  let ca: string;

  beforeAll(async () => {
    const certificates = await createTestCertificates();
    ca = certificates.caCert;
    [proxy, plain, secure, tokened] = await Promise.all([
      startHttpProxy({ auth: proxyAuth }),
      startOciRegistry(),
      startOciRegistry({ tls: { cert: certificates.serverCert, key: certificates.serverKey } }),
      startOciRegistry({ auth: { kind: 'token', ...credentials } }),
    ]);
    await pushTags({ registry: plain.host, insecure: true }, 'team/app', ['1.0.0', '1.1.0']);
    await pushTags({ registry: secure.host, tls: { ca } }, 'team/app', ['2.0.0']);
    await pushTags({ registry: tokened.host, insecure: true, credentials }, 'team/app', ['3.0.0']);
  });
  afterAll(async () => {
    await Promise.all([proxy?.stop(), plain?.stop(), secure?.stop(), tokened?.stop()]);
  });

  it('tunnels plain HTTP and HTTPS (with the registry CA) through the proxy, with its credentials', async () => {
    const viaProxy = { address: proxy.url, ...proxyAuth };
    expect((await listThrough({ registry: plain.host, insecure: true, proxy: viaProxy }, 'team/app')).sort()).toEqual(['1.0.0', '1.1.0']);
    expect(await listThrough({ registry: secure.host, tls: { ca }, proxy: viaProxy }, 'team/app')).toEqual(['2.0.0']);
    expect(proxy.tunnels).toEqual(expect.arrayContaining([plain.host, secure.host]));
  });

  it('reaches a token endpoint on another host through the proxy too', async () => {
    const before = proxy.tunnels.length;
    const tags = await listThrough({ registry: tokened.host, insecure: true, credentials, proxy: { address: proxy.url, ...proxyAuth } }, 'team/app');
    expect(tags).toEqual(['3.0.0']);
    const opened = proxy.tunnels.slice(before);
    expect(opened).toContain(tokened.host);
    expect(opened).toContain(new URL(tokened.tokenServer!.url).host);
  });

  it('names a proxy that refuses or cannot be reached, never its credentials', async () => {
    const refused = await listThrough({ registry: plain.host, insecure: true, proxy: { address: proxy.url, username: 'proxy-user', password: 'wrong-secret' } }, 'team/app')
      .then(() => undefined, (error: unknown) => error);
    expect(refused).toBeInstanceOf(RegistryError);
    expect((refused as RegistryError).message).toBe(`GET http://${plain.host}/v2/team/app/tags/list: the proxy refused to tunnel to ${plain.host} (HTTP 407)`);
    expect((refused as RegistryError).message).not.toContain('wrong-secret');

    const unreachable = await listThrough({ registry: plain.host, insecure: true, proxy: { address: 'http://127.0.0.1:1' } }, 'team/app')
      .then(() => undefined, (error: unknown) => error);
    expect((unreachable as RegistryError).message).toBe(`GET http://${plain.host}/v2/team/app/tags/list: the proxy could not be reached (ECONNREFUSED)`);
  });
});
