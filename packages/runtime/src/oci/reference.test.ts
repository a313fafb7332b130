import { describe, expect, it } from 'vitest';
import { apiHostOf, formatImageReference, parseImageReference, withDefaultTag } from './reference.ts';
import { RegistryError } from './registry-error.ts';

const digest = `sha256:${'a'.repeat(64)}`;

describe('parseImageReference', () => {
  it('reads oci:// URLs with a host, port, path, tag and digest', () => {
    expect(parseImageReference('oci://127.0.0.1:5000/team/app:v1.2.3')).toEqual({
      registry: '127.0.0.1:5000',
      repository: 'team/app',
      tag: 'v1.2.3',
    });
    expect(parseImageReference(`oci://ghcr.io/org/manifests@${digest}`)).toEqual({
      registry: 'ghcr.io',
      repository: 'org/manifests',
      digest,
    });
    expect(parseImageReference(`localhost/app:v1@${digest}`)).toEqual({
      registry: 'localhost',
      repository: 'app',
      tag: 'v1',
      digest,
    });
    expect(parseImageReference('oci://registry.example.com/app')).toEqual({
      registry: 'registry.example.com',
      repository: 'app',
    });
  });

  it('defaults plain names to Docker Hub and library/', () => {
    expect(parseImageReference('nginx')).toEqual({ registry: 'docker.io', repository: 'library/nginx' });
    expect(parseImageReference('bitnami/redis:7')).toEqual({
      registry: 'docker.io',
      repository: 'bitnami/redis',
      tag: '7',
    });
    expect(parseImageReference('index.docker.io/nginx:1')).toEqual({
      registry: 'docker.io',
      repository: 'library/nginx',
      tag: '1',
    });
    expect(apiHostOf('docker.io')).toBe('registry-1.docker.io');
    expect(withDefaultTag(parseImageReference('nginx')).tag).toBe('latest');
    expect(withDefaultTag(parseImageReference(`nginx@${digest}`)).tag).toBeUndefined();
  });

  it('refuses other schemes, upper case, bad tags and bad digests, quoting the input', () => {
    for (const input of [
      'https://ghcr.io/app',
      'oci://ghcr.io/Team/App',
      'oci://ghcr.io/app:bad tag',
      'oci://ghcr.io/app@sha256:abc',
      'oci://ghcr.io',
      '',
    ]) {
      expect(() => parseImageReference(input), input).toThrow(RegistryError);
    }
    expect(() => parseImageReference('https://ghcr.io/app')).toThrow(
      "invalid OCI reference 'https://ghcr.io/app': the scheme must be oci://",
    );
  });

  it('formats back', () => {
    expect(formatImageReference(parseImageReference('oci://ghcr.io/org/app:v1'))).toBe('ghcr.io/org/app:v1');
  });
});
