// GitRepository over HTTP against git http-backend: credentials, the artifact and its URL, events, failures.
import { type GitHttpServer, startGitHttpServer } from '@fluxion/testenv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  conditionOf,
  createGitRepository,
  createSecret,
  download,
  eventsOf,
  eventWithReason,
  eventually,
  fileInArchive,
  filesInArchive,
  getGitRepository,
  type Harness,
  sha256,
  startHarness,
  waitForNotReady,
  waitForReady,
} from './support/harness.ts';

const password = 's3cret-Passw0rd-never-shown';
const token = 'bearer-token-never-shown-42';
let harness: Harness;
let basicServer: GitHttpServer;
let bearerServer: GitHttpServer;

beforeAll(async () => {
  harness = await startHarness();
  basicServer = await startGitHttpServer({ auth: { username: 'flux', password } });
  bearerServer = await startGitHttpServer({ auth: { bearerToken: token } });
});
afterAll(async () => {
  await harness?.stop();
  await basicServer?.stop();
  await bearerServer?.stop();
});

describe('GitRepository over HTTP', () => {
  it('fetches with basic auth and serves an artifact whose digest matches status', async () => {
    basicServer.repositories.create('podinfo');
    const commit = basicServer.repositories.commit(
      'podinfo',
      { 'deploy/app.yaml': 'kind: ConfigMap\n', 'README.md': 'hello' },
      { message: 'Add the app' },
    );
    await createSecret(harness, 'basic-auth', { username: 'flux', password });
    await createGitRepository(harness, 'podinfo', {
      url: basicServer.urlOf('podinfo'),
      ref: { branch: 'main' },
      secretRef: { name: 'basic-auth' },
    });

    const repository = await waitForReady(harness, 'podinfo');
    const artifact = repository.status!.artifact!;
    expect(artifact.revision).toBe(`main@sha1:${commit}`);
    expect(artifact.path).toBe(`gitrepository/${harness.namespace}/podinfo/${commit}.tar.gz`);
    expect(artifact.url).toBe(`${harness.artifactServer.url}/${artifact.path}`);
    expect(artifact.lastUpdateTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(conditionOf(repository, 'Ready')).toMatchObject({
      reason: 'Succeeded',
      message: `stored artifact for revision 'main@sha1:${commit}'`,
    });
    expect(conditionOf(repository, 'ArtifactInStorage')).toMatchObject({ status: 'True', reason: 'Succeeded' });
    expect(repository.metadata?.finalizers).toContain('finalizers.fluxcd.io');

    const tarball = await download(artifact.url);
    expect(sha256(tarball)).toBe(artifact.digest);
    expect(tarball.length).toBe(artifact.size);
    expect(filesInArchive(tarball)).toEqual(['README.md', 'deploy/app.yaml']);
    expect(fileInArchive(tarball, 'deploy/app.yaml')).toBe('kind: ConfigMap\n');
    // The stable `latest` link serves the same bytes.
    expect(
      sha256(await download(`${harness.artifactServer.url}/gitrepository/${harness.namespace}/podinfo/latest.tar.gz`)),
    ).toBe(artifact.digest);

    const events = await eventually(async () => {
      const found = (await eventsOf(harness, 'podinfo')).filter((event) => event.reason === 'NewArtifact');
      expect(found).toHaveLength(1);
      return found;
    });
    expect(events[0]).toMatchObject({ type: 'Normal', message: "stored artifact for commit 'Add the app'" });
    expect(events[0]!.metadata?.annotations?.['source.toolkit.fluxcd.io/revision']).toBe(`main@sha1:${commit}`);
  });

  it('fetches with a bearer token', async () => {
    bearerServer.repositories.create('bearer');
    const commit = bearerServer.repositories.commit('bearer', { 'a.yaml': 'a: 1\n' });
    await createSecret(harness, 'bearer-auth', { bearerToken: token });
    await createGitRepository(harness, 'bearer', {
      url: bearerServer.urlOf('bearer'),
      ref: { branch: 'main' },
      secretRef: { name: 'bearer-auth' },
    });
    await waitForReady(harness, 'bearer', `main@sha1:${commit}`);
  });

  it('reports bad credentials with the host named, retries, and never shows the password', async () => {
    basicServer.repositories.create('private');
    basicServer.repositories.commit('private', { 'a.yaml': 'a: 1\n' });
    const wrongPassword = 'wrong-Passw0rd-also-secret';
    await createSecret(harness, 'wrong-auth', { username: 'flux', password: wrongPassword });
    await createGitRepository(harness, 'private', {
      url: basicServer.urlOf('private'),
      ref: { branch: 'main' },
      secretRef: { name: 'wrong-auth' },
    });

    const host = new URL(basicServer.url).host;
    const repository = await waitForNotReady(
      harness,
      'private',
      new RegExp(`authentication to ${host.replace(/\./g, '\\.')} failed`),
    );
    expect(conditionOf(repository, 'FetchFailed')).toMatchObject({ status: 'True', reason: 'AuthenticationFailed' });
    expect(conditionOf(repository, 'Reconciling')).toMatchObject({ status: 'True', reason: 'ProgressingWithRetry' });
    expect(repository.status?.artifact).toBeUndefined();
    // Retried with backoff: more than one ls-remote reached the server.
    await eventually(() => {
      const attempts = basicServer.requests.filter((request) => request.path.startsWith('/private.git/info/refs'));
      expect(attempts.length).toBeGreaterThan(2);
    });

    const events = await eventsOf(harness, 'private');
    expect(events.some((event) => event.type === 'Warning' && event.reason === 'AuthenticationFailed')).toBe(true);
    for (const secret of [wrongPassword, Buffer.from(`flux:${wrongPassword}`).toString('base64')]) {
      expect(JSON.stringify(repository.status)).not.toContain(secret);
      expect(JSON.stringify(events)).not.toContain(secret);
      expect(harness.logs.join('\n')).not.toContain(secret);
    }
  });

  it('fetches with credentials written into spec.url, and shows them nowhere', async () => {
    basicServer.repositories.create('url-credentials');
    const commit = basicServer.repositories.commit('url-credentials', { 'u.yaml': 'u: 1\n' });
    const url = basicServer.urlOf('url-credentials').replace('://', `://flux:${password}@`);
    await createGitRepository(harness, 'url-credentials', { url, ref: { branch: 'main' } });
    const repository = await waitForReady(harness, 'url-credentials', `main@sha1:${commit}`);

    await eventWithReason(harness, 'url-credentials', 'NewArtifact');
    const events = await eventsOf(harness, 'url-credentials');
    for (const secret of [password, Buffer.from(`flux:${password}`).toString('base64')]) {
      expect(JSON.stringify(repository.status)).not.toContain(secret);
      expect(JSON.stringify(events)).not.toContain(secret);
      expect(harness.logs.join('\n')).not.toContain(secret);
    }
  });

  it('names a missing Secret', async () => {
    basicServer.repositories.create('no-secret');
    await createGitRepository(harness, 'no-secret', {
      url: basicServer.urlOf('no-secret'),
      secretRef: { name: 'does-not-exist' },
    });
    const repository = await waitForNotReady(
      harness,
      'no-secret',
      new RegExp(`secret '${harness.namespace}/does-not-exist'`),
    );
    expect(conditionOf(repository, 'FetchFailed')?.reason).toBe('AuthenticationFailed');
  });

  it('cuts off a server that hangs at spec.timeout', async () => {
    await createGitRepository(harness, 'hanging', { url: basicServer.hangingUrl, timeout: '2s' });
    const repository = await waitForNotReady(harness, 'hanging', /timed out after 2s \(spec\.timeout\)/);
    expect(conditionOf(repository, 'FetchFailed')?.reason).toBe('GitOperationFailed');
  });

  it('stalls on a URL that cannot be parsed, without retrying', async () => {
    await createGitRepository(harness, 'bad-url', { url: 'https://exa mple.com/repo.git' });
    const repository = await eventually(async () => {
      const found = await getGitRepository(harness, 'bad-url');
      expect(conditionOf(found, 'Stalled')).toMatchObject({ status: 'True', reason: 'URLInvalid' });
      return found;
    });
    expect(conditionOf(repository, 'Ready')).toMatchObject({ status: 'False', reason: 'URLInvalid' });
    expect(conditionOf(repository, 'Reconciling')).toBeUndefined();
    expect(repository.status?.observedGeneration).toBe(repository.metadata?.generation);
    // No retry storm: the key is not requeued, so the status is not rewritten.
    const resourceVersion = repository.metadata?.resourceVersion;
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect((await getGitRepository(harness, 'bad-url')).metadata?.resourceVersion).toBe(resourceVersion);
    const warnings = (await eventsOf(harness, 'bad-url')).filter((event) => event.reason === 'URLInvalid');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.count ?? 1).toBe(1);
  });

  it('stalls on a provider that needs a cloud, saying why', async () => {
    await createGitRepository(harness, 'azure', { url: basicServer.urlOf('podinfo'), provider: 'azure' });
    const repository = await waitForNotReady(harness, 'azure', /spec\.provider 'azure' needs Azure workload identity/);
    expect(conditionOf(repository, 'Stalled')).toMatchObject({
      status: 'True',
      reason: 'InvalidProviderConfiguration',
    });
  });
});
