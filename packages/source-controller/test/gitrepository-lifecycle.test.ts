// Suspend, the interval, sparse checkout, a proxy from spec.proxySecretRef, and a storage failure reported in status.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { git, type GitHttpServer, startGitHttpServer } from '@fluxion/testenv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  conditionOf,
  createGitRepository,
  createSecret,
  download,
  fileInArchive,
  filesInArchive,
  getGitRepository,
  gitRepositoryRef,
  type Harness,
  startHarness,
  waitForNotReady,
  waitForReady,
} from './support/harness.ts';

let harness: Harness;
let server: GitHttpServer;
let proxy: Server;
let proxyUrl = '';
const proxied: string[] = [];
const proxyPassword = 'proxy-Passw0rd';

beforeAll(async () => {
  harness = await startHarness();
  server = await startGitHttpServer();
  // A forward proxy for plain HTTP that insists on its own credentials and records what it forwarded.
  proxy = createServer((req, res) => {
    const expected = `Basic ${Buffer.from(`proxy-user:${proxyPassword}`).toString('base64')}`;
    if (req.headers['proxy-authorization'] !== expected) {
      res.writeHead(407, { 'Proxy-Authenticate': 'Basic realm="test-proxy"' }).end();
      return;
    }
    proxied.push(req.url ?? '');
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    const upstream = httpRequest(req.url ?? '', { method: req.method, headers }, (upstreamResponse) => {
      res.writeHead(upstreamResponse.statusCode ?? 502, upstreamResponse.headers);
      upstreamResponse.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await harness?.stop();
  await server?.stop();
  proxy?.closeAllConnections();
  await new Promise((resolve) => proxy?.close(resolve));
});

describe('GitRepository lifecycle', () => {
  it('leaves a suspended GitRepository alone until it is resumed', async () => {
    server.repositories.create('paused');
    const commit = server.repositories.commit('paused', { 'p.yaml': 'p' });
    await createGitRepository(harness, 'paused', {
      url: server.urlOf('paused'),
      ref: { branch: 'main' },
      suspend: true,
    });
    // A repository created after it is Ready, so the queue has moved past the suspended one.
    await createGitRepository(harness, 'after-paused', { url: server.urlOf('paused'), ref: { branch: 'main' } });
    await waitForReady(harness, 'after-paused');
    expect((await getGitRepository(harness, 'paused')).status?.artifact).toBeUndefined();

    await harness.client.patch(gitRepositoryRef(harness.namespace, 'paused'), { spec: { suspend: false } }, 'merge');
    await waitForReady(harness, 'paused', `main@sha1:${commit}`);
  });

  it('fetches new commits at every spec.interval, without being asked', async () => {
    server.repositories.create('polled');
    server.repositories.commit('polled', { 'v.txt': '1' });
    await createGitRepository(harness, 'polled', {
      url: server.urlOf('polled'),
      ref: { branch: 'main' },
      interval: '1s',
    });
    await waitForReady(harness, 'polled');
    const next = server.repositories.commit('polled', { 'v.txt': '2' });
    await waitForReady(harness, 'polled', `main@sha1:${next}`);
  });

  it('checks out only the sparseCheckout directories', async () => {
    server.repositories.create('sparse');
    server.repositories.commit('sparse', { 'apps/a.yaml': 'a', 'infra/i.yaml': 'i', 'root.yaml': 'r' });
    await createGitRepository(harness, 'sparse', {
      url: server.urlOf('sparse'),
      ref: { branch: 'main' },
      sparseCheckout: ['apps'],
    });
    const repository = await waitForReady(harness, 'sparse');
    expect(filesInArchive(await download(repository.status!.artifact!.url))).toEqual(['apps/a.yaml', 'root.yaml']);
    expect(repository.status?.observedSparseCheckout).toEqual(['apps']);
  });

  it('includes submodules with recurseSubmodules', async () => {
    server.repositories.create('child');
    server.repositories.commit('child', { 'child.yaml': 'from the submodule' });
    server.repositories.create('parent');
    server.repositories.commit('parent', { 'parent.yaml': 'p' });
    const work = await mkdtemp(join(tmpdir(), 'submodule-work-'));
    try {
      git(work, ['clone', '--quiet', server.repositories.pathOf('parent'), '.']);
      // Added from disk (the server runs in this process, and these git calls block it), then pointed at its HTTP URL.
      git(work, [
        '-c',
        'protocol.file.allow=always',
        'submodule',
        '--quiet',
        'add',
        server.repositories.pathOf('child'),
        'vendor/child',
      ]);
      git(work, ['config', '-f', '.gitmodules', 'submodule.vendor/child.url', server.urlOf('child')]);
      git(work, ['add', '.gitmodules']);
      git(work, ['commit', '--quiet', '-m', 'Add the child submodule']);
      git(work, ['push', '--quiet', 'origin', 'HEAD:refs/heads/main']);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
    await createGitRepository(harness, 'parent', {
      url: server.urlOf('parent'),
      ref: { branch: 'main' },
      recurseSubmodules: true,
    });
    const repository = await waitForReady(harness, 'parent');
    const tarball = await download(repository.status!.artifact!.url);
    expect(filesInArchive(tarball)).toEqual(['parent.yaml', 'vendor/child/child.yaml']);
    expect(fileInArchive(tarball, 'vendor/child/child.yaml')).toBe('from the submodule');
    expect(repository.status?.observedRecurseSubmodules).toBe(true);
  });

  it('goes through the proxy named by spec.proxySecretRef, with its credentials', async () => {
    server.repositories.create('via-proxy');
    const commit = server.repositories.commit('via-proxy', { 'x.yaml': 'x' });
    await createSecret(harness, 'proxy', { address: proxyUrl, username: 'proxy-user', password: proxyPassword });
    await createGitRepository(harness, 'via-proxy', {
      url: server.urlOf('via-proxy'),
      ref: { branch: 'main' },
      proxySecretRef: { name: 'proxy' },
    });
    await waitForReady(harness, 'via-proxy', `main@sha1:${commit}`);
    expect(proxied.some((url) => url.startsWith(`${server.urlOf('via-proxy')}/info/refs`))).toBe(true);
    expect(harness.logs.join('\n')).not.toContain(proxyPassword);
  });

  it('reports a storage failure in status, keeps running, and recovers when storage does', async () => {
    server.repositories.create('blocked');
    server.repositories.commit('blocked', { 'b.yaml': 'b' });
    // A file where the artifact directory must go: every write under it fails.
    const blocker = harness.storage.localPath(`gitrepository/${harness.namespace}/blocked`);
    await mkdir(harness.storage.localPath(`gitrepository/${harness.namespace}`), { recursive: true });
    await writeFile(blocker, 'not a directory');
    await createGitRepository(harness, 'blocked', { url: server.urlOf('blocked'), ref: { branch: 'main' } });
    const failed = await waitForNotReady(
      harness,
      'blocked',
      new RegExp(`'${blocker.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}' failed`),
    );
    expect(conditionOf(failed, 'StorageOperationFailed')).toMatchObject({
      status: 'True',
      reason: 'ArchiveOperationFailed',
    });

    await rm(blocker);
    const ready = await waitForReady(harness, 'blocked');
    expect(conditionOf(ready, 'StorageOperationFailed')).toBeUndefined();
  });
});
