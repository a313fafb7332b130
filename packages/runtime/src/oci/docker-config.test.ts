import { describe, expect, it } from 'vitest';
import { credentialsFor, mergeDockerConfigs, parseDockerConfigJson } from './docker-config.ts';

const auth = (user: string, password: string) => Buffer.from(`${user}:${password}`).toString('base64');

describe('parseDockerConfigJson', () => {
  it('reads auth (base64) and username/password entries under any key spelling', () => {
    const config = parseDockerConfigJson(
      JSON.stringify({
        auths: {
          'https://index.docker.io/v1/': { auth: auth('hub', 'p:ss') },
          'ghcr.io': { username: 'gh', password: 'token' },
          'http://127.0.0.1:5000/v2/': { auth: auth('local', 'pw') },
          'empty.example': {},
        },
      }),
      'Secret default/creds',
    );
    expect(credentialsFor(config, 'docker.io')).toEqual({ username: 'hub', password: 'p:ss' });
    expect(credentialsFor(config, 'ghcr.io')).toEqual({ username: 'gh', password: 'token' });
    expect(credentialsFor(config, '127.0.0.1:5000')).toEqual({ username: 'local', password: 'pw' });
    expect(credentialsFor(config, 'empty.example')).toBeUndefined();
  });

  it('names the Secret and never echoes its content when it is broken', () => {
    expect(() => parseDockerConfigJson('{"auths": {"x": {"auth": "', 'Secret ns/creds')).toThrow(
      'Secret ns/creds: .dockerconfigjson is not valid JSON',
    );
    expect(() => parseDockerConfigJson('{}', 'Secret ns/creds')).toThrow(
      "Secret ns/creds: .dockerconfigjson has no 'auths' object",
    );
    const secret = Buffer.from('no-colon-secret').toString('base64');
    try {
      parseDockerConfigJson(JSON.stringify({ auths: { 'ghcr.io': { auth: secret } } }), 'Secret ns/creds');
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).toContain("registry 'ghcr.io'");
      expect((error as Error).message).not.toContain('no-colon-secret');
    }
  });

  it('merges configs with the first one winning', () => {
    const first = parseDockerConfigJson(JSON.stringify({ auths: { 'ghcr.io': { auth: auth('a', '1') } } }), 's1');
    const second = parseDockerConfigJson(
      JSON.stringify({ auths: { 'ghcr.io': { auth: auth('b', '2') }, 'quay.io': { auth: auth('q', '3') } } }),
      's2',
    );
    const merged = mergeDockerConfigs([first, second]);
    expect(credentialsFor(merged, 'ghcr.io')?.username).toBe('a');
    expect(credentialsFor(merged, 'quay.io')?.username).toBe('q');
  });
});
