import { describe, expect, it } from 'vitest';
import { parseImageReference } from './image-reference.ts';

describe('parseImageReference', () => {
  it('makes Docker Hub names canonical, as Flux reports them', () => {
    expect(parseImageReference('alpine')).toMatchObject({
      canonicalName: 'index.docker.io/library/alpine',
      apiHost: 'registry-1.docker.io',
      repository: 'library/alpine',
    });
    expect(parseImageReference('stefanprodan/podinfo').canonicalName).toBe('index.docker.io/stefanprodan/podinfo');
    expect(parseImageReference('docker.io/fluxcd/flux').canonicalName).toBe('index.docker.io/fluxcd/flux');
  });

  it('keeps other registries, with ports and nested paths', () => {
    expect(parseImageReference('ghcr.io/stefanprodan/podinfo')).toMatchObject({
      registry: 'ghcr.io',
      apiHost: 'ghcr.io',
      repository: 'stefanprodan/podinfo',
    });
    expect(parseImageReference('127.0.0.1:5000/team/app/web')).toMatchObject({
      canonicalName: '127.0.0.1:5000/team/app/web',
      apiHost: '127.0.0.1:5000',
      repository: 'team/app/web',
    });
    expect(parseImageReference('localhost/web').registry).toBe('localhost');
  });

  it('refuses a scheme, a tag, a digest or an invalid path, naming the field and what to remove', () => {
    expect(() => parseImageReference('https://ghcr.io/org/app')).toThrow(
      "spec.image 'https://ghcr.io/org/app' must not start with a URL scheme: remove 'https://'",
    );
    expect(() => parseImageReference('ghcr.io/org/app:1.0')).toThrow("must not contain a tag (':1.0')");
    expect(() => parseImageReference('127.0.0.1:5000/app:latest')).toThrow('must not contain a tag');
    expect(() => parseImageReference('ghcr.io/org/app@sha256:abc')).toThrow('must not contain a digest');
    expect(() => parseImageReference('ghcr.io/Org/App')).toThrow("invalid path component 'Org'");
    expect(() => parseImageReference('')).toThrow('is empty');
    try {
      parseImageReference('a:b:c');
    } catch (error) {
      expect(error).toMatchObject({ reason: 'ImageURLInvalid', stalled: true });
    }
  });
});
