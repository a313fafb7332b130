// The pure parts of the registry protocol: challenges, Link pages, Retry-After, manifest checks, digest checks.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { DigestVerifier, digestOf } from './digest-verifier.ts';
import { parseManifest } from './manifest.ts';
import { nextLink } from './registry-client.ts';
import { retryAfterMs } from './registry-transport.ts';
import { parseWwwAuthenticate } from './www-authenticate.ts';

describe('registry protocol pieces', () => {
  it('parses Bearer and Basic challenges', () => {
    expect(
      parseWwwAuthenticate(
        'Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull,push"',
      ),
    ).toEqual({
      scheme: 'bearer',
      params: { realm: 'https://auth.example/token', service: 'registry.example', scope: 'repository:a/b:pull,push' },
    });
    expect(parseWwwAuthenticate('Basic realm="Registry Realm"')).toEqual({
      scheme: 'basic',
      params: { realm: 'Registry Realm' },
    });
    expect(parseWwwAuthenticate(undefined)).toBeUndefined();
  });

  it('follows Link rel="next"', () => {
    expect(nextLink('</v2/app/tags/list?last=v2&n=2>; rel="next"')).toBe('/v2/app/tags/list?last=v2&n=2');
    expect(nextLink(undefined)).toBeUndefined();
    expect(nextLink('<https://x/other>; rel="prev"')).toBeUndefined();
  });

  it('reads Retry-After as seconds or a date, capped', () => {
    expect(retryAfterMs('2', 30_000, 0)).toBe(2000);
    expect(retryAfterMs('600', 30_000, 0)).toBe(30_000);
    expect(retryAfterMs(new Date(Date.now() + 5_000).toUTCString(), 30_000, 0)).toBeGreaterThan(3_000);
    expect(retryAfterMs(undefined, 30_000, 2)).toBe(2000);
  });

  it('refuses a manifest of an unexpected media type, naming the URL', () => {
    const body = Buffer.from(JSON.stringify({ schemaVersion: 2, config: {}, layers: [] }));
    expect(() => parseManifest(body, 'application/vnd.example.thing+json', 'https://r/v2/a/manifests/v1')).toThrow(
      "https://r/v2/a/manifests/v1: unexpected manifest media type 'application/vnd.example.thing+json'",
    );
    expect(() => parseManifest(Buffer.from('{}'), 'application/vnd.oci.image.manifest.v1+json', 'u')).toThrow(
      "no 'config' and 'layers'",
    );
  });

  it('streams content through only when the digest matches and the size is within the limit', async () => {
    const sink = () => new Writable({ write: (_chunk, _encoding, done) => done() });
    await pipeline(Readable.from([Buffer.from('abc')]), new DigestVerifier(digestOf('abc'), 10, 'u'), sink());
    await expect(
      pipeline(Readable.from([Buffer.from('abd')]), new DigestVerifier(digestOf('abc'), 10, 'u'), sink()),
    ).rejects.toThrow('does not match');
    await expect(
      pipeline(Readable.from([Buffer.from('abcdef')]), new DigestVerifier(digestOf('abcdef'), 3, 'u'), sink()),
    ).rejects.toThrow('larger than the limit of 3 bytes');
  });
});
