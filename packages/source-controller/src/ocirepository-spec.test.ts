import { describe, expect, it } from 'vitest';
import type { OCIRepositorySpec } from '@fluxion/api';
import { InvalidSpecError } from './gitrepository-spec.ts';
import { artifactFileName } from './ocirepository-reconciler.ts';
import { validateOCIRepositorySpec } from './ocirepository-spec.ts';

const base: OCIRepositorySpec = { url: 'oci://ghcr.io/org/manifests', interval: '5m' };

function stalled(spec: Partial<OCIRepositorySpec>): InvalidSpecError {
  try {
    validateOCIRepositorySpec({ ...base, ...spec } as OCIRepositorySpec);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidSpecError);
    return error as InvalidSpecError;
  }
  throw new Error('expected the spec to be refused');
}

describe('validateOCIRepositorySpec', () => {
  it('defaults to the latest tag, extract, 60s timeout', () => {
    const plan = validateOCIRepositorySpec(base);
    expect(plan.ref).toEqual({ kind: 'tag', tag: 'latest' });
    expect(plan.image).toEqual({ registry: 'ghcr.io', repository: 'org/manifests' });
    expect(plan.timeoutMs).toBe(60_000);
    expect(plan.intervalMs).toBe(300_000);
    expect(plan.layerSelector).toBeUndefined();
    expect(validateOCIRepositorySpec({ ...base, layerSelector: { mediaType: 'x' } }).layerSelector).toEqual({
      mediaType: 'x',
      operation: 'extract',
    });
  });

  it('gives digest precedence over semver over tag', () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    expect(validateOCIRepositorySpec({ ...base, ref: { digest, semver: '1.x', tag: 'v1' } }).ref).toEqual({
      kind: 'digest',
      digest,
    });
    expect(
      validateOCIRepositorySpec({ ...base, ref: { semver: '1.x', tag: 'v1', semverFilter: '^1' } }).ref,
    ).toMatchObject({ kind: 'semver', source: '1.x' });
    expect(validateOCIRepositorySpec({ ...base, ref: { tag: 'v1' } }).ref).toEqual({ kind: 'tag', tag: 'v1' });
  });

  it('stalls on what no retry fixes, naming the field', () => {
    expect(stalled({ url: 'https://ghcr.io/org/x' })).toMatchObject({ reason: 'URLInvalid' });
    expect(stalled({ url: 'oci://ghcr.io/org/x:v1' }).message).toContain('put the tag or digest in spec.ref');
    expect(stalled({ provider: 'gcp' })).toMatchObject({ reason: 'InvalidProviderConfiguration' });
    expect(stalled({ provider: 'gcp' }).message).toContain('not supported yet');
    expect(stalled({ verify: { provider: 'notation' } })).toMatchObject({ reason: 'VerificationError' });
    expect(validateOCIRepositorySpec({ ...base, proxySecretRef: { name: 'proxy' } }).proxySecretName).toBe('proxy');
    expect(stalled({ ref: { digest: 'sha256:abc' } }).message).toContain('spec.ref.digest');
    expect(stalled({ ref: { semver: '>=>=1' } }).message).toContain('spec.ref.semver');
    expect(stalled({ ref: { semver: '1.x', semverFilter: '(' } }).message).toContain('spec.ref.semverFilter');
    expect(stalled({ interval: '0s' }).message).toContain('spec.interval');
  });

  it('names artifacts by manifest digest, with a hash when ignore or layerSelector shape them', () => {
    const digest = `sha256:${'b'.repeat(64)}`;
    expect(artifactFileName(digest, validateOCIRepositorySpec(base))).toBe(`${'b'.repeat(64)}.tar.gz`);
    const withIgnore = artifactFileName(digest, validateOCIRepositorySpec({ ...base, ignore: '*.md' }));
    const withCopy = artifactFileName(
      digest,
      validateOCIRepositorySpec({ ...base, layerSelector: { operation: 'copy' } }),
    );
    expect(withIgnore).toMatch(new RegExp(`^${'b'.repeat(64)}-[a-f0-9]{12}\\.tar\\.gz$`));
    expect(withCopy).not.toBe(withIgnore);
  });
});
