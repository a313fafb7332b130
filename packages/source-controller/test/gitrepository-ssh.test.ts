// GitRepository over SSH against sshd: a key with a strict known_hosts, and a host key that does not match.
import { type GitSshServer, startGitSshServer } from '@fluxion/testenv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  conditionOf,
  createGitRepository,
  createSecret,
  download,
  fileInArchive,
  type Harness,
  startHarness,
  waitForNotReady,
  waitForReady,
} from './support/harness.ts';

let harness: Harness;
let server: GitSshServer;

beforeAll(async () => {
  harness = await startHarness();
  server = await startGitSshServer();
  server.repositories.create('over-ssh');
});
afterAll(async () => {
  await harness?.stop();
  await server?.stop();
});

describe('GitRepository over SSH', () => {
  it('fetches with an identity and the known host key', async () => {
    const commit = server.repositories.commit('over-ssh', { 'app.yaml': 'over ssh' });
    await createSecret(harness, 'ssh-key', { identity: server.identity, known_hosts: server.knownHosts });
    await createGitRepository(harness, 'over-ssh', {
      url: server.urlOf('over-ssh'),
      ref: { branch: 'main' },
      secretRef: { name: 'ssh-key' },
    });
    const repository = await waitForReady(harness, 'over-ssh', `main@sha1:${commit}`);
    expect(fileInArchive(await download(repository.status!.artifact!.url), 'app.yaml')).toBe('over ssh');
  });

  it('refuses a server whose host key is not the known one', async () => {
    await createSecret(harness, 'ssh-wrong-host', { identity: server.identity, known_hosts: server.wrongKnownHosts });
    await createGitRepository(harness, 'wrong-host', {
      url: server.urlOf('over-ssh'),
      ref: { branch: 'main' },
      secretRef: { name: 'ssh-wrong-host' },
    });
    const repository = await waitForNotReady(
      harness,
      'wrong-host',
      /authentication to 127\.0\.0\.1:\d+ failed.*host key/i,
    );
    expect(conditionOf(repository, 'FetchFailed')).toMatchObject({ status: 'True', reason: 'AuthenticationFailed' });
    expect(repository.status?.artifact).toBeUndefined();
    expect(JSON.stringify(repository.status)).not.toContain(server.identity.split('\n')[1]!);
  });
});
