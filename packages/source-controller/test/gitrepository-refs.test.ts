// Every ref kind, and the remote moving under the controller: force pushes, deleted branches, pushes mid-reconcile,
// and an unchanged remote that must not be cloned again.
import { execFileSync } from 'node:child_process';
import { type GitHttpServer, startGitHttpServer } from '@fluxion/testenv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  conditionOf,
  createGitRepository,
  download,
  fileInArchive,
  getGitRepository,
  gitRepositoryRef,
  type Harness,
  requestReconcile,
  sha256,
  startHarness,
  waitForNotReady,
  waitForReady,
} from './support/harness.ts';

let harness: Harness;
let server: GitHttpServer;

beforeAll(async () => {
  harness = await startHarness();
  server = await startGitHttpServer();
});
afterAll(async () => {
  await harness?.stop();
  await server?.stop();
});

describe('refs', () => {
  it('checks out a tag', async () => {
    server.repositories.create('tagged');
    const tagged = server.repositories.commit('tagged', { 'v.txt': 'one' }, { tag: 'v1.0.0' });
    server.repositories.commit('tagged', { 'v.txt': 'two' });
    await createGitRepository(harness, 'tagged', { url: server.urlOf('tagged'), ref: { tag: 'v1.0.0' } });
    const repository = await waitForReady(harness, 'tagged', `v1.0.0@sha1:${tagged}`);
    expect(fileInArchive(await download(repository.status!.artifact!.url), 'v.txt')).toBe('one');
  });

  it('checks out the highest tag in a semver range', async () => {
    server.repositories.create('semver');
    server.repositories.commit('semver', { 'v.txt': '1.0.0' }, { tag: 'v1.0.0' });
    const wanted = server.repositories.commit('semver', { 'v.txt': '1.1.0' }, { tag: 'v1.1.0' });
    server.repositories.commit('semver', { 'v.txt': '2.0.0' }, { tag: 'v2.0.0' });
    await createGitRepository(harness, 'semver', { url: server.urlOf('semver'), ref: { semver: '>=1.0.0 <2.0.0' } });
    await waitForReady(harness, 'semver', `v1.1.0@sha1:${wanted}`);
  });

  it('checks out a commit, alone and within a branch, and a full ref name', async () => {
    server.repositories.create('commits');
    const first = server.repositories.commit('commits', { 'v.txt': 'first' });
    const second = server.repositories.commit('commits', { 'v.txt': 'second' });
    await createGitRepository(harness, 'by-commit', { url: server.urlOf('commits'), ref: { commit: first } });
    await createGitRepository(harness, 'by-commit-on-branch', {
      url: server.urlOf('commits'),
      ref: { branch: 'main', commit: first },
    });
    await createGitRepository(harness, 'by-name', { url: server.urlOf('commits'), ref: { name: 'refs/heads/main' } });
    const byCommit = await waitForReady(harness, 'by-commit', `sha1:${first}`);
    expect(fileInArchive(await download(byCommit.status!.artifact!.url), 'v.txt')).toBe('first');
    await waitForReady(harness, 'by-commit-on-branch', `main@sha1:${first}`);
    await waitForReady(harness, 'by-name', `refs/heads/main@sha1:${second}`);
  });

  it('names a tag that does not exist', async () => {
    await createGitRepository(harness, 'missing-tag', { url: server.urlOf('tagged'), ref: { tag: 'v9.9.9' } });
    const repository = await waitForNotReady(harness, 'missing-tag', /tag 'v9\.9\.9' not found/);
    expect(conditionOf(repository, 'FetchFailed')).toMatchObject({ status: 'True', reason: 'GitOperationFailed' });
  });
});

describe('a remote that moves', () => {
  it('does not clone an unchanged remote again: one GET of info/refs, nothing else', async () => {
    server.repositories.create('steady');
    const commit = server.repositories.commit('steady', { 'a.yaml': 'a: 1\n' });
    await createGitRepository(harness, 'steady', { url: server.urlOf('steady'), ref: { branch: 'main' } });
    const before = await waitForReady(harness, 'steady', `main@sha1:${commit}`);
    // The first fetch of a branch, in-process: the refs, then one shallow pack.
    expect(server.requests.filter((request) => request.path.startsWith('/steady.git/'))).toEqual([
      { method: 'GET', path: '/steady.git/info/refs?service=git-upload-pack' },
      { method: 'POST', path: '/steady.git/git-upload-pack' },
    ]);
    expect(fileInArchive(await download(before.status!.artifact!.url), 'a.yaml')).toBe('a: 1\n');
    const requestsBefore = server.requests.length;
    const after = await requestReconcile(harness, 'steady');
    const requests = server.requests.slice(requestsBefore).filter((request) => request.path.startsWith('/steady.git/'));
    // The in-process ls-remote: one GET of the ref advertisement (protocol v0), no POST.
    expect(requests).toEqual([{ method: 'GET', path: '/steady.git/info/refs?service=git-upload-pack' }]);
    expect(after.status?.artifact).toEqual(before.status?.artifact);
  });

  it('follows a force-pushed branch', async () => {
    server.repositories.create('forced');
    const original = server.repositories.commit('forced', { 'v.txt': 'original' });
    await createGitRepository(harness, 'forced', { url: server.urlOf('forced'), ref: { branch: 'main' } });
    await waitForReady(harness, 'forced', `main@sha1:${original}`);
    const rewritten = server.repositories.commit('forced', { 'v.txt': 'rewritten' }, { force: true });
    await requestReconcile(harness, 'forced');
    const repository = await waitForReady(harness, 'forced', `main@sha1:${rewritten}`);
    expect(fileInArchive(await download(repository.status!.artifact!.url), 'v.txt')).toBe('rewritten');
  });

  it('reports a deleted branch by name and keeps serving the last artifact', async () => {
    server.repositories.create('feature');
    server.repositories.commit('feature', { 'v.txt': 'main' });
    const onFeature = server.repositories.commit('feature', { 'v.txt': 'feature' }, { branch: 'feature' });
    await createGitRepository(harness, 'feature', { url: server.urlOf('feature'), ref: { branch: 'feature' } });
    const ready = await waitForReady(harness, 'feature', `feature@sha1:${onFeature}`);
    server.repositories.deleteBranch('feature', 'feature');
    await requestReconcile(harness, 'feature');
    const failed = await waitForNotReady(harness, 'feature', /branch 'feature' not found/);
    expect(conditionOf(failed, 'FetchFailed')).toMatchObject({ status: 'True', reason: 'GitOperationFailed' });
    expect(failed.status?.artifact).toEqual(ready.status?.artifact);
    expect(sha256(await download(failed.status!.artifact!.url))).toBe(ready.status!.artifact!.digest);
  });

  it('stores consistent artifacts while the branch moves under it, and ends on the head', async () => {
    server.repositories.create('busy');
    server.repositories.commit('busy', { 'version.txt': '0' });
    await createGitRepository(harness, 'busy', { url: server.urlOf('busy'), ref: { branch: 'main' } });
    await waitForReady(harness, 'busy');

    const checked = new Set<string>();
    const checkArtifact = async () => {
      const artifact = (await getGitRepository(harness, 'busy')).status?.artifact;
      if (!artifact || checked.has(artifact.revision)) return;
      const tarball = await download(artifact.url).catch(() => undefined); // an old one may be collected already
      if (!tarball) return;
      checked.add(artifact.revision);
      const commit = artifact.revision.split(':')[1]!;
      // The archive holds exactly the commit its revision names.
      const expected = execFileSync('git', ['show', `${commit}:version.txt`], {
        cwd: server.repositories.pathOf('busy'),
        encoding: 'utf8',
      });
      expect(fileInArchive(tarball, 'version.txt')).toBe(expected);
      expect(sha256(tarball)).toBe(artifact.digest);
    };
    for (let version = 1; version <= 8; version++) {
      server.repositories.commit('busy', { 'version.txt': String(version) });
      const token = `busy-${version}`;
      await harness.client.patch(
        gitRepositoryRef(harness.namespace, 'busy'),
        { metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': token } } },
        'merge',
      );
      await checkArtifact();
    }
    const head = server.repositories.head('busy');
    await requestReconcile(harness, 'busy');
    await waitForReady(harness, 'busy', `main@sha1:${head}`);
    await checkArtifact();
    expect(checked.size).toBeGreaterThan(1);
  });
});
