import { describe, expect, it } from 'vitest';
import {
  formatGitRevision,
  formatRevision,
  isSameDigest,
  isSameRevision,
  normalizeRevision,
  parseRevision,
  RevisionFormatError,
  revisionHash,
} from './revision.ts';

const sha1 = '132f4e719209eb10b9485302f8593fc0e680f4fc';
const sha256 = 'e750c7a46724acaef8f8aa926259af30bbd9face2ae065ae8896ba5ee5ab832b';

describe('parseRevision', () => {
  it.each([
    [`main@sha1:${sha1}`, { name: 'main', algorithm: 'sha1', hash: sha1 }],
    [`v1.2.3@sha1:${sha1}`, { name: 'v1.2.3', algorithm: 'sha1', hash: sha1 }],
    [`sha1:${sha1}`, { algorithm: 'sha1', hash: sha1 }],
    [`refs/pull/1/head@sha1:${sha1}`, { name: 'refs/pull/1/head', algorithm: 'sha1', hash: sha1 }],
    [`feature/login@sha1:${sha1}`, { name: 'feature/login', algorithm: 'sha1', hash: sha1 }],
    [`team@x@sha1:${sha1}`, { name: 'team@x', algorithm: 'sha1', hash: sha1 }],
    [`latest@sha256:${sha256}`, { name: 'latest', algorithm: 'sha256', hash: sha256 }],
    [`sha256:${sha256}`, { algorithm: 'sha256', hash: sha256 }],
    // Flux v1 legacy forms
    [`main/${sha1}`, { name: 'main', algorithm: 'sha1', hash: sha1 }],
    [`feature/x/${sha1}`, { name: 'feature/x', algorithm: 'sha1', hash: sha1 }],
    [sha1, { algorithm: 'sha1', hash: sha1 }],
  ])('%s', (text, expected) => {
    expect(parseRevision(text)).toEqual(expected);
  });

  it.each([
    ['main', /expected "<algorithm>:<hex>"/],
    [`main@md5:${sha1}`, /unknown digest algorithm 'md5'/],
    ['main@sha1:abc', /40-character lowercase hex sha1/],
    [`main@sha1:${sha1.toUpperCase()}`, /lowercase hex/],
    [`@sha1:${sha1}`, /empty name/],
  ])('rejects %s', (text, message) => {
    expect(() => parseRevision(text)).toThrow(RevisionFormatError);
    expect(() => parseRevision(text)).toThrow(message);
  });
});

describe('formatRevision', () => {
  it('round-trips every form', () => {
    for (const text of [
      `main@sha1:${sha1}`,
      `sha1:${sha1}`,
      `refs/pull/1/head@sha1:${sha1}`,
      `latest@sha256:${sha256}`,
    ]) {
      expect(formatRevision(parseRevision(text))).toBe(text);
    }
  });
  it('formats git commits with and without a name', () => {
    expect(formatGitRevision('main', sha1)).toBe(`main@sha1:${sha1}`);
    expect(formatGitRevision(undefined, sha1)).toBe(`sha1:${sha1}`);
    expect(formatGitRevision('main', sha256)).toBe(`main@sha256:${sha256}`);
  });
  it('normalizes legacy revisions', () => {
    expect(normalizeRevision(`main/${sha1}`)).toBe(`main@sha1:${sha1}`);
    expect(normalizeRevision(sha1)).toBe(`sha1:${sha1}`);
    expect(revisionHash(`v1@sha1:${sha1}`)).toBe(sha1);
  });
});

describe('comparing a stored revision with the remote one', () => {
  it.each([
    [`main@sha1:${sha1}`, `main@sha1:${sha1}`, true],
    [`main/${sha1}`, `main@sha1:${sha1}`, true],
    [`main@sha1:${sha1}`, `main@sha1:${'0'.repeat(40)}`, false],
    [`main@sha1:${sha1}`, `dev@sha1:${sha1}`, false],
    [`sha1:${sha1}`, `main@sha1:${sha1}`, false],
    [undefined, `main@sha1:${sha1}`, false],
    ['', `main@sha1:${sha1}`, false],
    ['garbage', `main@sha1:${sha1}`, false],
  ])('%s vs %s -> %s', (stored, remote, same) => {
    expect(isSameRevision(stored, remote)).toBe(same);
  });

  it('compares digests regardless of the name', () => {
    expect(isSameDigest(`main@sha1:${sha1}`, `v1.0.0@sha1:${sha1}`)).toBe(true);
    expect(isSameDigest(`main@sha1:${sha1}`, `main@sha1:${'1'.repeat(40)}`)).toBe(false);
  });
});
