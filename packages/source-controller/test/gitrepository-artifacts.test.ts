// What goes into an artifact (ignore rules, includes), and what happens to artifacts over time and on deletion.
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { type GitHttpServer, startGitHttpServer } from '@fluxion/testenv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  conditionOf,
  createGitRepository,
  download,
  eventually,
  fileInArchive,
  filesInArchive,
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

describe('ignore rules', () => {
  it("leaves out Flux's defaults when no rule is given", async () => {
    server.repositories.create('defaults');
    server.repositories.commit('defaults', {
      'deploy/app.yaml': 'a',
      'logo.png': 'png',
      '.github/workflows/ci.yaml': 'ci',
      '.gitignore': 'x',
      'charts/app.tar.gz': 'tgz',
    });
    await createGitRepository(harness, 'defaults', { url: server.urlOf('defaults'), ref: { branch: 'main' } });
    const repository = await waitForReady(harness, 'defaults');
    expect(filesInArchive(await download(repository.status!.artifact!.url))).toEqual(['deploy/app.yaml']);
    expect(repository.status?.observedIgnore).toBeUndefined();
  });

  it('applies .sourceignore files and spec.ignore, which wins', async () => {
    server.repositories.create('ignored');
    server.repositories.commit('ignored', {
      '.sourceignore': 'docs/\n*.md\n',
      'deploy/.sourceignore': 'secret.yaml\n',
      'deploy/app.yaml': 'a',
      'deploy/secret.yaml': 's',
      'docs/guide.txt': 'g',
      'README.md': 'r',
      'CHANGELOG.md': 'c',
      'logo.png': 'png',
    });
    const ignore = '!README.md\n';
    await createGitRepository(harness, 'ignored', { url: server.urlOf('ignored'), ref: { branch: 'main' }, ignore });
    const repository = await waitForReady(harness, 'ignored');
    // User rules replace the defaults, so logo.png stays; spec.ignore re-includes README.md.
    expect(filesInArchive(await download(repository.status!.artifact!.url))).toEqual([
      '.sourceignore',
      'README.md',
      'deploy/.sourceignore',
      'deploy/app.yaml',
      'logo.png',
    ]);
    expect(repository.status?.observedIgnore).toBe(ignore);
  });

  it('rebuilds the artifact when spec.ignore changes, though the commit did not', async () => {
    const before = await getGitRepository(harness, 'defaults');
    await harness.client.patch(
      gitRepositoryRef(harness.namespace, 'defaults'),
      { spec: { ignore: '*.png\n' } },
      'merge',
    );
    const after = await eventually(async () => {
      const repository = await waitForReady(harness, 'defaults');
      expect(repository.status?.observedIgnore).toBe('*.png\n');
      return repository;
    });
    expect(after.status?.artifact?.revision).toBe(before.status?.artifact?.revision);
    expect(after.status?.artifact?.digest).not.toBe(before.status?.artifact?.digest);
    expect(filesInArchive(await download(after.status!.artifact!.url))).toContain('.github/workflows/ci.yaml');
  });
});

describe('include', () => {
  it("copies another GitRepository's artifact into toPath, and rebuilds when it changes", async () => {
    server.repositories.create('shared');
    server.repositories.commit('shared', { 'base/config.yaml': 'v1', 'other/x.yaml': 'x' });
    server.repositories.create('app');
    server.repositories.commit('app', { 'app.yaml': 'app' });
    await createGitRepository(harness, 'shared', { url: server.urlOf('shared'), ref: { branch: 'main' } });
    const include = [{ repository: { name: 'shared' }, fromPath: 'base', toPath: 'vendor/shared' }];
    await createGitRepository(harness, 'app', { url: server.urlOf('app'), ref: { branch: 'main' }, include });

    const app = await eventually(async () => {
      const repository = await waitForReady(harness, 'app');
      expect(repository.status?.includedArtifacts).toHaveLength(1);
      return repository;
    });
    const tarball = await download(app.status!.artifact!.url);
    expect(filesInArchive(tarball)).toEqual(['app.yaml', 'vendor/shared/config.yaml']);
    expect(app.status?.observedInclude).toEqual(include);

    // A new commit on the included repository reaches the includer without touching it.
    server.repositories.commit('shared', { 'base/config.yaml': 'v2' });
    await requestReconcile(harness, 'shared');
    const sharedHead = `main@sha1:${server.repositories.head('shared')}`;
    await waitForReady(harness, 'shared', sharedHead);
    const rebuilt = await eventually(async () => {
      const repository = await getGitRepository(harness, 'app');
      expect(repository.status?.includedArtifacts?.[0]?.revision).toBe(sharedHead);
      return repository;
    });
    // Same commit of the includer, new content: a new file, so the old URL never changes under a consumer.
    expect(rebuilt.status?.artifact?.revision).toBe(app.status?.artifact?.revision);
    expect(rebuilt.status?.artifact?.url).not.toBe(app.status?.artifact?.url);
    const rebuiltTarball = await download(rebuilt.status!.artifact!.url);
    expect(sha256(rebuiltTarball)).toBe(rebuilt.status?.artifact?.digest);
    expect(fileInArchive(rebuiltTarball, 'vendor/shared/config.yaml')).toBe('v2');
  });

  it('reports an include that does not exist, and recovers once it does', async () => {
    server.repositories.create('waiting');
    server.repositories.commit('waiting', { 'w.yaml': 'w' });
    await createGitRepository(harness, 'waiting', {
      url: server.urlOf('waiting'),
      ref: { branch: 'main' },
      include: [{ repository: { name: 'later' } }],
    });
    const failed = await waitForNotReady(harness, 'waiting', /could not get resource for include 'later'/);
    expect(conditionOf(failed, 'IncludeUnavailable')).toMatchObject({ status: 'True', reason: 'NotFound' });

    server.repositories.create('later');
    server.repositories.commit('later', { 'l.yaml': 'l' });
    await createGitRepository(harness, 'later', { url: server.urlOf('later'), ref: { branch: 'main' } });
    const ready = await waitForReady(harness, 'waiting');
    expect(conditionOf(ready, 'IncludeUnavailable')).toBeUndefined();
    expect(filesInArchive(await download(ready.status!.artifact!.url))).toEqual(['later/l.yaml', 'w.yaml']);
  });
});

describe('artifact lifecycle', () => {
  it('keeps only the retained artifacts as revisions pile up', async () => {
    server.repositories.create('gc');
    let commit = server.repositories.commit('gc', { 'v.txt': '0' });
    await createGitRepository(harness, 'gc', { url: server.urlOf('gc'), ref: { branch: 'main' } });
    await waitForReady(harness, 'gc', `main@sha1:${commit}`);
    for (let version = 1; version <= 3; version++) {
      commit = server.repositories.commit('gc', { 'v.txt': String(version) });
      await requestReconcile(harness, 'gc');
      await waitForReady(harness, 'gc', `main@sha1:${commit}`);
    }
    const directory = harness.storage.localPath(`gitrepository/${harness.namespace}/gc`);
    const files = (await readdir(directory)).filter((file) => file.endsWith('.tar.gz') && file !== 'latest.tar.gz');
    // --artifact-retention-records defaults to 2: the current artifact and one before it.
    expect(files).toHaveLength(2);
    expect(files).toContain(`${commit}.tar.gz`);
  });

  it('removes the artifacts when the GitRepository is deleted', async () => {
    server.repositories.create('doomed');
    server.repositories.commit('doomed', { 'd.yaml': 'd' });
    await createGitRepository(harness, 'doomed', { url: server.urlOf('doomed'), ref: { branch: 'main' } });
    const repository = await waitForReady(harness, 'doomed');
    const local = harness.storage.localPath(repository.status!.artifact!.path);
    expect(existsSync(local)).toBe(true);

    await harness.client.delete(gitRepositoryRef(harness.namespace, 'doomed'));
    await eventually(async () => {
      expect(await harness.client.getIfExists(gitRepositoryRef(harness.namespace, 'doomed'))).toBeUndefined();
    });
    expect(existsSync(harness.storage.localPath(`gitrepository/${harness.namespace}/doomed`))).toBe(false);
    const response = await fetch(repository.status!.artifact!.url);
    expect(response.status).toBe(404);
  });
});
