import { describe, expect, it } from 'vitest';
import { credentialsWithUrl, splitUrlCredentials, UrlCredentialsError } from './url-credentials.ts';

describe('credentials written into spec.url', () => {
  it('takes user and password out of an http(s) URL, decoded', () => {
    expect(splitUrlCredentials('https://bot:t%40ken@git.example.com/org/repo.git')).toEqual({
      url: 'https://git.example.com/org/repo.git',
      username: 'bot',
      password: 't@ken',
    });
    expect(splitUrlCredentials('https://ghp_token@github.com/org/repo.git')).toEqual({
      url: 'https://github.com/org/repo.git',
      username: 'ghp_token',
    });
    expect(splitUrlCredentials('https://github.com/org/repo.git')).toEqual({ url: 'https://github.com/org/repo.git' });
  });

  it('keeps the SSH login in an ssh URL and takes out only the password', () => {
    expect(splitUrlCredentials('ssh://git:s3cret@host.example.com:2222/org/repo.git')).toEqual({
      url: 'ssh://git@host.example.com:2222/org/repo.git',
      password: 's3cret',
    });
    expect(splitUrlCredentials('ssh://git@host.example.com/org/repo.git')).toEqual({
      url: 'ssh://git@host.example.com/org/repo.git',
    });
  });

  it('combines them with the Secret as Flux does: the Secret first, the URL for what it lacks', () => {
    const fromUrl = splitUrlCredentials('https://bot:url-pass@git.example.com/repo.git');
    expect(credentialsWithUrl(undefined, fromUrl)).toEqual({ kind: 'basic', username: 'bot', password: 'url-pass' });
    expect(credentialsWithUrl({ kind: 'basic', username: 'secret-user', password: '' }, fromUrl)).toEqual({
      kind: 'basic',
      username: 'secret-user',
      password: 'url-pass',
    });
    expect(credentialsWithUrl({ kind: 'basic', username: 'secret-user', password: 'secret-pass' }, fromUrl)).toEqual({
      kind: 'basic',
      username: 'secret-user',
      password: 'secret-pass',
    });
    expect(credentialsWithUrl({ kind: 'bearer', bearerToken: 'tok' }, fromUrl)).toEqual({
      kind: 'bearer',
      bearerToken: 'tok',
    });
  });

  it("an ssh URL password is the passphrase of the Secret's key, unless the Secret has one", () => {
    const fromUrl = splitUrlCredentials('ssh://git:phrase@host/repo.git');
    expect(credentialsWithUrl({ kind: 'ssh', identity: 'KEY', knownHosts: 'KH' }, fromUrl)).toEqual({
      kind: 'ssh',
      identity: 'KEY',
      knownHosts: 'KH',
      password: 'phrase',
    });
    expect(credentialsWithUrl({ kind: 'ssh', identity: 'KEY', knownHosts: 'KH', password: 'own' }, fromUrl)).toEqual({
      kind: 'ssh',
      identity: 'KEY',
      knownHosts: 'KH',
      password: 'own',
    });
    expect(credentialsWithUrl(undefined, fromUrl)).toBeUndefined();
  });

  it('a password without a username is refused, pointing at spec.secretRef', () => {
    const fromUrl = splitUrlCredentials('https://:lonely@git.example.com/repo.git');
    expect(() => credentialsWithUrl(undefined, fromUrl)).toThrow(UrlCredentialsError);
    expect(() => credentialsWithUrl(undefined, fromUrl)).toThrow(
      "spec.url 'https://git.example.com/repo.git' has a password but no username: put both in the Secret named by spec.secretRef",
    );
  });
});
