// GitRepository over HTTPS with a private CA (`ca.crt`) and mutual TLS (`tls.crt`/`tls.key`) from spec.secretRef.
import {
  createTestCertificates,
  type GitHttpsServer,
  startGitHttpServer,
  type TestCertificates,
} from '@fluxion/testenv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  conditionOf,
  createGitRepository,
  createSecret,
  download,
  eventsOf,
  eventually,
  fileInArchive,
  type Harness,
  sha256,
  startHarness,
  waitForNotReady,
  waitForReady,
} from './support/harness.ts';

let harness: Harness;
let server: GitHttpsServer;
let mutualServer: GitHttpsServer;
let stranger: TestCertificates;

beforeAll(async () => {
  harness = await startHarness();
  server = await startGitHttpServer({ tls: {} });
  mutualServer = await startGitHttpServer({ tls: { clientAuth: true } });
  // A CA of its own: its client certificate is well-formed but not one the servers trust.
  stranger = await createTestCertificates();
});
afterAll(async () => {
  await harness?.stop();
  await server?.stop();
  await mutualServer?.stop();
});

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const hostOf = (url: string) => new URL(url).host;
// The body of a PEM block: what would show if key material leaked, whatever the line wrapping.
const pemBody = (pem: string) =>
  pem
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('-----'))
    .join('');

function expectNoKeyMaterial(texts: string[], keys: string[]): void {
  for (const key of keys) {
    const body = pemBody(key);
    for (const text of texts) {
      expect(text).not.toContain('PRIVATE KEY');
      // Any 40-character stretch of the base64 would give the key away, even if re-wrapped.
      for (const line of key
        .split('\n')
        .filter((candidate) => candidate.length >= 40 && !candidate.startsWith('-----')))
        expect(text).not.toContain(line);
      expect(text).not.toContain(body.slice(0, 40));
    }
  }
}

// Retried, with the same message every time though git's wording varies with timing: one Warning Event, counted up.
async function retriedWithOneMessage(name: string) {
  return eventually(async () => {
    const events = await eventsOf(harness, name);
    const warnings = events.filter((event) => event.type === 'Warning' && event.reason === 'AuthenticationFailed');
    expect(warnings.map((event) => event.message)).toHaveLength(1);
    expect(warnings[0]!.count ?? 1).toBeGreaterThanOrEqual(5);
    return events;
  });
}

describe('GitRepository over HTTPS', () => {
  it('trusts a private CA from ca.crt and stores the artifact', async () => {
    server.repositories.create('private-ca');
    const commit = server.repositories.commit(
      'private-ca',
      { 'deploy/app.yaml': 'kind: ConfigMap\n' },
      { message: 'Over TLS' },
    );
    await createSecret(harness, 'https-ca', { 'ca.crt': server.caCert });
    await createGitRepository(harness, 'private-ca', {
      url: server.urlOf('private-ca'),
      ref: { branch: 'main' },
      secretRef: { name: 'https-ca' },
    });

    const repository = await waitForReady(harness, 'private-ca', `main@sha1:${commit}`);
    const artifact = repository.status!.artifact!;
    const tarball = await download(artifact.url);
    expect(sha256(tarball)).toBe(artifact.digest);
    expect(fileInArchive(tarball, 'deploy/app.yaml')).toBe('kind: ConfigMap\n');
    expect(server.requests.some((request) => request.path.startsWith('/private-ca.git/git-upload-pack'))).toBe(true);
  });

  it('accepts the legacy caFile key as the CA', async () => {
    server.repositories.create('ca-file');
    const commit = server.repositories.commit('ca-file', { 'a.yaml': 'a: 1\n' });
    await createSecret(harness, 'https-ca-file', { caFile: server.caCert });
    await createGitRepository(harness, 'ca-file', {
      url: server.urlOf('ca-file'),
      ref: { branch: 'main' },
      secretRef: { name: 'https-ca-file' },
    });
    await waitForReady(harness, 'ca-file', `main@sha1:${commit}`);
  });

  it('without the CA, is not Ready, names the host and the certificate problem, and keeps retrying', async () => {
    server.repositories.create('untrusted');
    server.repositories.commit('untrusted', { 'a.yaml': 'a: 1\n' });
    await createGitRepository(harness, 'untrusted', { url: server.urlOf('untrusted'), ref: { branch: 'main' } });

    const host = hostOf(server.url);
    const repository = await waitForNotReady(
      harness,
      'untrusted',
      new RegExp(`TLS certificate of ${escape(host)} could not be verified`),
    );
    const ready = conditionOf(repository, 'Ready')!;
    expect(ready.message).toMatch(/certificate verification failed|SSL certificate problem/);
    expect(ready.message).toContain('ca.crt');
    expect(conditionOf(repository, 'FetchFailed')).toMatchObject({ status: 'True', reason: 'AuthenticationFailed' });
    expect(conditionOf(repository, 'Stalled')).toBeUndefined();
    expect(conditionOf(repository, 'Reconciling')).toMatchObject({ status: 'True', reason: 'ProgressingWithRetry' });
    expect(repository.status?.artifact).toBeUndefined();
    // Retried: the Warning event repeats (TLS fails before any HTTP request, so the server logs nothing to count).
    await eventually(async () => {
      const warning = (await eventsOf(harness, 'untrusted')).find(
        (event) => event.type === 'Warning' && event.reason === 'AuthenticationFailed',
      );
      expect(warning?.count ?? 0).toBeGreaterThan(1);
    });
    expect(server.requests.some((request) => request.path.startsWith('/untrusted.git'))).toBe(false);
  });

  it('a CA that did not sign the server certificate is named as the likely cause', async () => {
    server.repositories.create('wrong-ca');
    server.repositories.commit('wrong-ca', { 'a.yaml': 'a: 1\n' });
    await createSecret(harness, 'wrong-ca', { 'ca.crt': stranger.caCert });
    await createGitRepository(harness, 'wrong-ca', {
      url: server.urlOf('wrong-ca'),
      ref: { branch: 'main' },
      secretRef: { name: 'wrong-ca' },
    });
    const repository = await waitForNotReady(harness, 'wrong-ca', /could not be verified/);
    expect(conditionOf(repository, 'Ready')!.message).toContain(
      "is ca.crt in the Secret in spec.secretRef the CA that signed the server's certificate?",
    );
    expect(conditionOf(repository, 'Stalled')).toBeUndefined();
  });
});

describe('GitRepository over mutual TLS', () => {
  it('presents tls.crt and tls.key and becomes Ready', async () => {
    mutualServer.repositories.create('mtls');
    const commit = mutualServer.repositories.commit('mtls', { 'deploy/app.yaml': 'kind: Secret\n' });
    await createSecret(harness, 'mtls-client', {
      'ca.crt': mutualServer.caCert,
      'tls.crt': mutualServer.clientCert,
      'tls.key': mutualServer.clientKey,
    });
    await createGitRepository(harness, 'mtls', {
      url: mutualServer.urlOf('mtls'),
      ref: { branch: 'main' },
      secretRef: { name: 'mtls-client' },
    });

    const repository = await waitForReady(harness, 'mtls', `main@sha1:${commit}`);
    expect(fileInArchive(await download(repository.status!.artifact!.url), 'deploy/app.yaml')).toBe('kind: Secret\n');
    // The key never leaves the Secret: not in status, events or logs.
    const events = await eventsOf(harness, 'mtls');
    expectNoKeyMaterial(
      [JSON.stringify(repository.status), JSON.stringify(events), harness.logs.join('\n')],
      [mutualServer.clientKey],
    );
  });

  it('combines a client certificate with basic auth from the same Secret', async () => {
    const password = 'mtls-and-basic-Passw0rd';
    const guarded = await startGitHttpServer({ tls: { clientAuth: true }, auth: { username: 'flux', password } });
    try {
      guarded.repositories.create('both');
      const commit = guarded.repositories.commit('both', { 'a.yaml': 'a: 1\n' });
      await createSecret(harness, 'mtls-basic', {
        username: 'flux',
        password,
        'ca.crt': guarded.caCert,
        'tls.crt': guarded.clientCert,
        'tls.key': guarded.clientKey,
      });
      await createGitRepository(harness, 'both', {
        url: guarded.urlOf('both'),
        ref: { branch: 'main' },
        secretRef: { name: 'mtls-basic' },
      });
      await waitForReady(harness, 'both', `main@sha1:${commit}`);
    } finally {
      await guarded.stop();
    }
  });

  it('without a client certificate, says the server may require one', async () => {
    mutualServer.repositories.create('no-client-cert');
    mutualServer.repositories.commit('no-client-cert', { 'a.yaml': 'a: 1\n' });
    await createSecret(harness, 'mtls-ca-only', { 'ca.crt': mutualServer.caCert });
    await createGitRepository(harness, 'no-client-cert', {
      url: mutualServer.urlOf('no-client-cert'),
      ref: { branch: 'main' },
      secretRef: { name: 'mtls-ca-only' },
    });

    const host = hostOf(mutualServer.url);
    const repository = await waitForNotReady(
      harness,
      'no-client-cert',
      new RegExp(`${escape(host)} refused the TLS connection`),
    );
    expect(conditionOf(repository, 'Ready')!.message).toMatch(
      /: (the server closed the connection during the TLS handshake|.*alert [a-z ]+)/,
    );
    expect(conditionOf(repository, 'Ready')!.message).toContain(
      'the server may require a client certificate: put it in tls.crt and tls.key',
    );
    expect(conditionOf(repository, 'FetchFailed')).toMatchObject({ status: 'True', reason: 'AuthenticationFailed' });
    expect(conditionOf(repository, 'Stalled')).toBeUndefined();
    await retriedWithOneMessage('no-client-cert');
  });

  it('with a client certificate the server does not trust, fails clearly and leaks no key', async () => {
    mutualServer.repositories.create('foreign-cert');
    mutualServer.repositories.commit('foreign-cert', { 'a.yaml': 'a: 1\n' });
    await createSecret(harness, 'mtls-foreign', {
      'ca.crt': mutualServer.caCert,
      'tls.crt': stranger.clientCert,
      'tls.key': stranger.clientKey,
    });
    await createGitRepository(harness, 'foreign-cert', {
      url: mutualServer.urlOf('foreign-cert'),
      ref: { branch: 'main' },
      secretRef: { name: 'mtls-foreign' },
    });

    const host = hostOf(mutualServer.url);
    const repository = await waitForNotReady(
      harness,
      'foreign-cert',
      new RegExp(`${escape(host)} refused the TLS connection`),
    );
    expect(conditionOf(repository, 'Ready')!.message).toContain(
      'the server may not accept the client certificate in tls.crt',
    );
    expect(conditionOf(repository, 'Stalled')).toBeUndefined();
    expect(repository.status?.artifact).toBeUndefined();
    const events = await retriedWithOneMessage('foreign-cert');
    expectNoKeyMaterial(
      [JSON.stringify(repository.status), JSON.stringify(events), harness.logs.join('\n')],
      [stranger.clientKey],
    );
  });

  it('a tls.key that does not belong to tls.crt is named as the problem', async () => {
    await createSecret(harness, 'mtls-mismatched', {
      'ca.crt': mutualServer.caCert,
      'tls.crt': mutualServer.clientCert,
      'tls.key': stranger.clientKey,
    });
    await createGitRepository(harness, 'mismatched', {
      url: mutualServer.urlOf('mtls'),
      ref: { branch: 'main' },
      secretRef: { name: 'mtls-mismatched' },
    });
    const host = hostOf(mutualServer.url);
    const repository = await waitForNotReady(
      harness,
      'mismatched',
      new RegExp(`the client certificate for ${escape(host)} could not be used`),
    );
    const message = conditionOf(repository, 'Ready')!.message;
    expect(message).toContain('the unencrypted private key that belongs to it');
    expect(message).not.toMatch(/fluxion-git-/);
    expectNoKeyMaterial([JSON.stringify(repository.status), harness.logs.join('\n')], [stranger.clientKey]);
  });

  it('a tls.crt without its tls.key is an error naming both keys', async () => {
    await createSecret(harness, 'mtls-half', { 'ca.crt': mutualServer.caCert, 'tls.crt': mutualServer.clientCert });
    await createGitRepository(harness, 'half', {
      url: mutualServer.urlOf('mtls'),
      ref: { branch: 'main' },
      secretRef: { name: 'mtls-half' },
    });
    const repository = await waitForNotReady(harness, 'half', /must hold both tls\.crt and tls\.key/);
    expect(conditionOf(repository, 'FetchFailed')?.reason).toBe('AuthenticationFailed');
  });
});
