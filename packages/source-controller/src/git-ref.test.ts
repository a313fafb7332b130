import { stat } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { prepareGitTransport, redactText, redactUrl } from '@fluxion/runtime';
import { parseLsRemote, refRequestFromSpec, resolveRemoteRef } from './git-ref.ts';
import { FetchError } from './fetch-error.ts';

const a = 'a'.repeat(40);
const b = 'b'.repeat(40);
const c = 'c'.repeat(40);

describe('refRequestFromSpec', () => {
  it.each([
    [undefined, { kind: 'branch', branch: 'master' }],
    [{}, { kind: 'branch', branch: 'master' }],
    [{ branch: 'main' }, { kind: 'branch', branch: 'main' }],
    [
      { branch: 'main', tag: 'v1' },
      { kind: 'tag', tag: 'v1' },
    ],
    [
      { tag: 'v1', semver: '^1' },
      { kind: 'semver', range: '^1' },
    ],
    [
      { semver: '^1', name: 'refs/pull/1/head' },
      { kind: 'name', name: 'refs/pull/1/head' },
    ],
    [
      { name: 'refs/pull/1/head', commit: a },
      { kind: 'commit', commit: a },
    ],
    [
      { branch: 'main', commit: a },
      { kind: 'commit', commit: a, branch: 'main' },
    ],
  ])('%j -> %j', (ref, expected) => {
    expect(refRequestFromSpec(ref)).toEqual(expected);
  });
});

describe('resolveRemoteRef', () => {
  const refs = parseLsRemote(
    [
      `${a}\tHEAD`,
      `${a}\trefs/heads/main`,
      `${b}\trefs/tags/v1.0.0`,
      `${c}\trefs/tags/v1.0.0^{}`,
      `${a}\trefs/tags/v1.1.0`,
      `${b}\trefs/pull/7/head`,
    ].join('\n'),
  );
  const url = 'https://git.example.com/org/repo.git';

  it('peels annotated tags to their commit', () => {
    expect(refs.get('refs/tags/v1.0.0')).toBe(c);
  });

  it.each([
    [{ kind: 'branch', branch: 'main' } as const, `main@sha1:${a}`],
    [{ kind: 'tag', tag: 'v1.0.0' } as const, `v1.0.0@sha1:${c}`],
    [{ kind: 'semver', range: '~1.0' } as const, `v1.0.0@sha1:${c}`],
    [{ kind: 'semver', range: '>=1' } as const, `v1.1.0@sha1:${a}`],
    [{ kind: 'name', name: 'refs/pull/7/head' } as const, `refs/pull/7/head@sha1:${b}`],
    [{ kind: 'commit', commit: b } as const, `sha1:${b}`],
    [{ kind: 'commit', commit: b, branch: 'main' } as const, `main@sha1:${b}`],
  ])('%j -> %s', (request, revision) => {
    expect(resolveRemoteRef(request, refs, url).revision).toBe(revision);
  });

  it.each([
    [{ kind: 'branch', branch: 'feature-x' } as const, `branch 'feature-x' not found on ${url}`],
    [{ kind: 'tag', tag: 'v9' } as const, `tag 'v9' not found on ${url}`],
    [{ kind: 'name', name: 'refs/pull/8/head' } as const, `ref 'refs/pull/8/head' not found on ${url}`],
    [{ kind: 'semver', range: '>=5' } as const, `no tag on ${url} matches semver range '>=5'`],
    [
      { kind: 'semver', range: '>=nope' } as const,
      "invalid semver range '>=nope': 'nope' is not a version (spec.ref.semver)",
    ],
    [{ kind: 'commit', commit: a, branch: 'gone' } as const, `branch 'gone' not found on ${url}`],
    [{ kind: 'commit', commit: 'xyz' } as const, "commit 'xyz' is not a hexadecimal commit id (spec.ref.commit)"],
  ])('%j fails: %s', (request, message) => {
    expect(() => resolveRemoteRef(request, refs, url)).toThrow(FetchError);
    expect(() => resolveRemoteRef(request, refs, url)).toThrow(message);
  });
});

describe('credentials', () => {
  it('puts HTTP credentials in GIT_CONFIG env scoped to the origin', async () => {
    const transport = await prepareGitTransport('https://git.example.com:8443/org/repo.git', {
      kind: 'basic',
      username: 'u',
      password: 'p@ss',
    });
    expect(transport.env).toEqual({
      GIT_CONFIG_COUNT: '1',
      GIT_CONFIG_KEY_0: 'http.https://git.example.com:8443/.extraHeader',
      GIT_CONFIG_VALUE_0: `Authorization: Basic ${Buffer.from('u:p@ss').toString('base64')}`,
    });
    expect(transport.secrets).toContain('p@ss');
  });

  it('writes the SSH key 0600 beside a strict known_hosts, and removes them afterwards', async () => {
    const transport = await prepareGitTransport('ssh://git@git.example.com/org/repo.git', {
      kind: 'ssh',
      identity: 'KEY',
      knownHosts: 'git.example.com ssh-ed25519 AAAA',
    });
    const command = transport.env.GIT_SSH_COMMAND!;
    for (const option of ['-o StrictHostKeyChecking=yes', '-o IdentitiesOnly=yes', '-o BatchMode=yes', '-F /dev/null'])
      expect(command).toContain(option);
    const identity = /-i '([^']+)'/.exec(command)![1]!;
    const knownHosts = /UserKnownHostsFile='([^']+)'/.exec(command)![1]!;
    expect((await stat(identity)).mode & 0o777).toBe(0o600);
    expect((await stat(knownHosts)).isFile()).toBe(true);
    await transport.cleanup();
    await expect(stat(identity)).rejects.toThrow();
  });

  it('refuses SSH credentials without known_hosts, and mismatched URL schemes', async () => {
    await expect(
      prepareGitTransport('ssh://git@h/r.git', { kind: 'ssh', identity: 'K', knownHosts: ' ' }),
    ).rejects.toThrow(/no known_hosts/);
    await expect(
      prepareGitTransport('ssh://git@h/r.git', { kind: 'basic', username: 'u', password: 'p' }),
    ).rejects.toThrow(/need an http\(s\) URL/);
  });

  it('redacts userinfo and secrets', () => {
    expect(redactUrl('https://user:pw@git.example.com/r.git')).toBe('https://git.example.com/r.git');
    expect(redactText("fatal: unable to access 'https://user:pw@h/r.git/': token tok-1 rejected", ['tok-1'])).toBe(
      "fatal: unable to access 'https://h/r.git/': token *** rejected",
    );
  });
});
