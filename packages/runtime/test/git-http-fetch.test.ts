// The in-process shallow fetch against git http-backend: the tree written is the tree `git clone` checks out (files,
// modes, symbolic links, nested directories, similar files sent as deltas), with credentials, in one POST.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { lstat, mkdtemp, readdir, readFile, readlink, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { git, type GitHttpServer, startGitHttpServer } from '@fluxion/testenv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canFetchTreeInProcess, fetchTreeInProcess } from '../src/git/git-http-fetch.ts';
import { listRemoteRefs } from '../src/git/git-http-ls-remote.ts';
import { GitRemoteError } from '../src/git/git-http-ls-remote.ts';

const password = 'fetch-Passw0rd';
let server: GitHttpServer;
let scratch: string;

/** Every path under `root` (without .git) with what it is: file content and mode, or a link's target. */
async function snapshot(root: string): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    const relative = path.slice(root.length + 1);
    if (relative === '.git' || relative.startsWith('.git/')) continue;
    const stat = await lstat(path);
    if (stat.isSymbolicLink()) result[relative] = `link -> ${await readlink(path)}`;
    else if (stat.isDirectory()) result[relative] = 'directory';
    else result[relative] = `${(stat.mode & 0o111) !== 0 ? 'exec' : 'file'} ${await readFile(path, 'utf8')}`;
  }
  return result;
}

beforeAll(async () => {
  server = await startGitHttpServer({ auth: { username: 'flux', password } });
  scratch = await mkdtemp(join(tmpdir(), 'git-http-fetch-test-'));
});
afterAll(async () => {
  await server?.stop();
  await rm(scratch, { recursive: true, force: true });
});

describe('fetchTreeInProcess', () => {
  it('writes the tree git clone checks out, from one POST', async () => {
    server.repositories.create('app');
    const similar: Record<string, string> = {};
    const body = Array.from({ length: 200 }, (_, line) => `  key-${line}: value ${line}\n`).join('');
    for (let i = 0; i < 12; i++)
      similar[`deploy/base/config-${i}.yaml`] = `kind: ConfigMap\nindex: ${i}\ndata:\n${body}`;
    server.repositories.commit('app', { ...similar, 'README.md': 'first\n' });
    const commit = server.repositories.commit(
      'app',
      { 'README.md': 'second\n', 'deploy/overlays/prod/kustomization.yaml': 'resources: [../../base]\n' },
      { message: 'Add the prod overlay\n\nWith a body.' },
    );
    // An executable and a symbolic link, committed as git stores them.
    const work = join(scratch, 'work');
    await promisify(execFile)('git', ['clone', '--quiet', server.repositories.pathOf('app'), work]);
    await promisify(execFile)(
      'sh',
      ['-c', 'printf "#!/bin/sh\\n" > run.sh && chmod +x run.sh && ln -s README.md link'],
      {
        cwd: work,
      },
    );
    git(work, ['add', '-A']);
    git(work, ['commit', '--quiet', '-m', 'Add a script and a link']);
    git(work, ['push', '--quiet', 'origin', 'HEAD:refs/heads/main']);
    const head = git(work, ['rev-parse', 'HEAD']);
    expect(head).not.toBe(commit);

    const credentials = { kind: 'basic' as const, username: 'flux', password };
    const refs = await listRemoteRefs(server.urlOf('app'), { credentials, deadline: Date.now() + 10_000 });
    expect(canFetchTreeInProcess(refs.capabilities)).toBe(true);
    const before = server.requests.length;
    const directory = join(scratch, 'fetched');
    const fetched = await fetchTreeInProcess(refs.url, head, directory, { credentials, deadline: Date.now() + 10_000 });
    expect(server.requests.slice(before)).toEqual([{ method: 'POST', path: '/app.git/git-upload-pack' }]);
    expect(fetched).toEqual({ commit: head, subject: 'Add a script and a link', files: 16 });
    const snapshotOfFetch = await snapshot(directory);
    expect(snapshotOfFetch).toEqual(await snapshot(work));
    expect(snapshotOfFetch['run.sh']).toBe('exec #!/bin/sh\n');
    expect(snapshotOfFetch.link).toBe('link -> README.md');
  });

  it('peels an annotated tag to its commit', async () => {
    server.repositories.create('tagged');
    const commit = server.repositories.commit('tagged', { 'v.txt': 'one\n' }, { message: 'Release one' });
    git(server.repositories.pathOf('tagged'), ['tag', '-a', '-m', 'release', 'v1.0.0', commit]);
    server.repositories.commit('tagged', { 'v.txt': 'two\n' });
    const credentials = { kind: 'basic' as const, username: 'flux', password };
    const refs = await listRemoteRefs(server.urlOf('tagged'), { credentials, deadline: Date.now() + 10_000 });
    const tag = refs.refs.find((ref) => ref.name === 'refs/tags/v1.0.0')!;
    expect(tag.peeled).toBe(commit);
    const directory = join(scratch, 'tagged');
    const fetched = await fetchTreeInProcess(refs.url, tag.oid, directory, {
      credentials,
      deadline: Date.now() + 10_000,
    });
    expect(fetched).toEqual({ commit, subject: 'Release one', files: 1 });
    expect(await readFile(join(directory, 'v.txt'), 'utf8')).toBe('one\n');
  });

  it('names the host of a pack it cannot read, and writes nothing', async () => {
    const garbage = createServer((_request, response) => {
      response.writeHead(200, { 'Content-Type': 'application/x-git-upload-pack-result' });
      response.end(
        Buffer.concat([Buffer.from('0008NAK\nPACK\0\0\0\x02\0\0\0\x01', 'latin1'), Buffer.from([0x35, 1, 2])]),
      );
    });
    await new Promise<void>((resolve) => garbage.listen(0, '127.0.0.1', resolve));
    try {
      const host = `127.0.0.1:${(garbage.address() as AddressInfo).port}`;
      const directory = join(scratch, 'garbage');
      const error = await fetchTreeInProcess(`http://${host}/repo.git`, 'a'.repeat(40), directory, {
        deadline: Date.now() + 10_000,
      }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(GitRemoteError);
      expect((error as GitRemoteError).message).toMatch(
        new RegExp(`^${host.replace(/\./g, '\\.')} sent an unreadable pack: cannot inflate the object at byte 12`),
      );
      expect(existsSync(directory)).toBe(false);
    } finally {
      garbage.closeAllConnections();
      await new Promise<void>((resolve) => garbage.close(() => resolve()));
    }
  });

  it('says authentication failed for the host on wrong credentials', async () => {
    server.repositories.create('private');
    const commit = server.repositories.commit('private', { 'a.yaml': 'a: 1\n' });
    const error = await fetchTreeInProcess(server.urlOf('private'), commit, join(scratch, 'private'), {
      credentials: { kind: 'basic', username: 'flux', password: 'wrong' },
      deadline: Date.now() + 10_000,
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GitRemoteError);
    expect((error as GitRemoteError).message).toBe(`authentication failed for ${new URL(server.url).host}: HTTP 401`);
  });
});
