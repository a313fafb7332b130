import type { GitRepositorySpec } from '@fluxion/api';
import { describe, expect, it } from 'vitest';
import { artifactFileName } from './artifact-file-name.ts';
import { InvalidSpecError, validateGitRepositorySpec } from './gitrepository-spec.ts';

const base: GitRepositorySpec = { url: 'https://github.com/stefanprodan/podinfo', interval: '5m0s' };

function rejection(spec: GitRepositorySpec): InvalidSpecError {
  try {
    validateGitRepositorySpec(spec);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidSpecError);
    return error as InvalidSpecError;
  }
  throw new Error('expected the spec to be rejected');
}

describe('validateGitRepositorySpec', () => {
  it("takes Flux's documented example with its defaults", () => {
    expect(validateGitRepositorySpec({ ...base, ref: { branch: 'master' } })).toEqual({
      url: base.url,
      intervalMs: 300_000,
      timeoutMs: 60_000,
      ref: { branch: 'master' },
      ignore: undefined,
      include: [],
      recurseSubmodules: false,
      sparseCheckout: undefined,
      verify: undefined,
    });
  });

  it.each([
    ['https://exa mple.com/repo.git', /not a valid URL/],
    ['ftp://example.com/repo.git', /scheme 'ftp': only http, https and ssh/],
    ['', /spec\.url is empty/],
  ])('stalls on the URL %j with URLInvalid', (url, message) => {
    const error = rejection({ ...base, url });
    expect(error.reason).toBe('URLInvalid');
    expect(error.message).toMatch(message);
  });

  it('never shows credentials embedded in a rejected URL', () => {
    expect(rejection({ ...base, url: 'gopher://user:hunter2@example.com/x' }).message).not.toContain('hunter2');
  });

  it.each(['azure', 'github', 'aws'] as const)('stalls on provider %s, which needs a cloud identity', (provider) => {
    const error = rejection({ ...base, provider });
    expect(error.reason).toBe('InvalidProviderConfiguration');
    expect(error.message).toContain(`spec.provider '${provider}'`);
  });

  it('stalls on durations that are not durations and on include paths that leave the artifact', () => {
    expect(rejection({ ...base, interval: 'soon' }).message).toMatch(/spec\.interval 'soon'/);
    expect(rejection({ ...base, timeout: '0s' }).message).toMatch(/spec\.timeout '0s'/);
    expect(rejection({ ...base, include: [{ repository: { name: 'x' }, toPath: '../escape' }] }).message).toMatch(
      /spec\.include\[0\]\.toPath/,
    );
  });

  it("normalizes verify mode 'head' and its default to HEAD", () => {
    expect(
      validateGitRepositorySpec({ ...base, verify: { mode: 'head', secretRef: { name: 'keys' } } }).verify,
    ).toEqual({ mode: 'HEAD', secretName: 'keys' });
    expect(validateGitRepositorySpec({ ...base, verify: { secretRef: { name: 'keys' } } }).verify?.mode).toBe('HEAD');
  });
});

describe('artifactFileName', () => {
  const commit = 'a'.repeat(40);
  const plan = validateGitRepositorySpec(base);

  it("is Flux's <commit>.tar.gz when nothing but the commit shapes the content", () => {
    expect(artifactFileName(commit, plan, [])).toBe(`${commit}.tar.gz`);
  });

  it('changes with the ignore rules, so a URL never serves two contents', () => {
    const first = artifactFileName(commit, { ...plan, ignore: '*.md' }, []);
    const second = artifactFileName(commit, { ...plan, ignore: '*.png' }, []);
    expect(first).toMatch(new RegExp(`^${commit}-[0-9a-f]{12}\\.tar\\.gz$`));
    expect(second).not.toBe(first);
    expect(artifactFileName(commit, { ...plan, ignore: '*.md' }, [])).toBe(first);
  });
});
