// Against real repositories: bare repos on disk (file://), git http-backend with auth, and sshd (testenv fixtures).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer, request as httpRequest } from 'node:http';
import { type AddressInfo, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  git,
  GitRepositories,
  type GitHttpServer,
  type GitSshServer,
  startGitHttpServer,
  startGitSshServer,
} from '@fluxion/testenv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkoutGitRepository, type GitCheckoutOptions } from './git-checkout.ts';
import { FetchError } from './fetch-error.ts';

let workDir = '';
let repos: GitRepositories;
let counter = 0;

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'git-checkout-test-'));
  repos = new GitRepositories(join(workDir, 'remotes'));
});
afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

function newRepo(): { name: string; url: string } {
  const name = `repo-${counter++}`;
  repos.create(name);
  return { name, url: `file://${repos.pathOf(name)}` };
}

function checkoutDir(): string {
  return join(workDir, `checkout-${counter++}`);
}

async function checkout(options: Omit<GitCheckoutOptions, 'directory'> & { directory?: string }) {
  const directory = options.directory ?? checkoutDir();
  const result = await checkoutGitRepository({ ...options, directory });
  return { result, directory };
}

async function fetchFailure(options: Omit<GitCheckoutOptions, 'directory'>): Promise<FetchError> {
  const error = await checkoutGitRepository({ ...options, directory: checkoutDir() }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FetchError);
  return error as FetchError;
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1))
    .filter((path) => !path.startsWith('.git'))
    .sort();
}

interface CommandLineWatch {
  error: unknown;
  /** A process whose command line holds `marker` was seen while the fetch ran. */
  sawGit: boolean;
  /** Command lines that held one of the secrets. */
  leaked: string[];
}

/** Reads every process's /proc/<pid>/cmdline (readable by any user on the node) while a fetch that hangs runs. */
async function watchCommandLines(
  fetch: Promise<unknown>,
  marker: string,
  secrets: readonly string[],
): Promise<CommandLineWatch> {
  const pending = fetch.then(
    () => undefined,
    (e: unknown) => e,
  );
  const leaked: string[] = [];
  let sawGit = false;
  const deadline = Date.now() + 2000;
  while (Date.now() < deadline && !sawGit) {
    for (const pid of await readdir('/proc').catch(() => [])) {
      if (!/^\d+$/.test(pid)) continue;
      const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
      if (cmdline.includes(marker)) sawGit = true;
      if (secrets.some((secret) => cmdline.includes(secret))) leaked.push(cmdline.split('\0').join(' '));
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { error: await pending, sawGit, leaked };
}

describe('resolving refs as Flux does', () => {
  it("defaults to branch 'master' when no ref is given", async () => {
    const repo = newRepo();
    const sha = repos.commit(repo.name, { 'app.yaml': 'on master' }, { branch: 'master' });
    repos.commit(repo.name, { 'app.yaml': 'on main' }, { branch: 'main' });
    const { result, directory } = await checkout({ url: repo.url });
    expect(result).toMatchObject({ changed: true, revision: `master@sha1:${sha}`, commit: sha });
    expect(await readFile(join(directory, 'app.yaml'), 'utf8')).toBe('on master');
  });

  it('checks out a branch with a shallow fetch and reports the commit subject', async () => {
    const repo = newRepo();
    repos.commit(repo.name, { 'a.yaml': '1' });
    const sha = repos.commit(repo.name, { 'a.yaml': '2' }, { message: 'Bump a to 2' });
    const { result, directory } = await checkout({ url: repo.url, ref: { branch: 'main' } });
    expect(result).toEqual({ changed: true, revision: `main@sha1:${sha}`, commit: sha, commitSubject: 'Bump a to 2' });
    expect(await readFile(join(directory, 'a.yaml'), 'utf8')).toBe('2');
    expect(git(directory, ['rev-list', '--count', 'HEAD'])).toBe('1');
  });

  it('checks out a lightweight tag', async () => {
    const repo = newRepo();
    const tagged = repos.commit(repo.name, { 'v.txt': 'one' }, { tag: 'v1.0.0' });
    repos.commit(repo.name, { 'v.txt': 'two' });
    const { result, directory } = await checkout({ url: repo.url, ref: { tag: 'v1.0.0', branch: 'main' } });
    expect(result).toMatchObject({ revision: `v1.0.0@sha1:${tagged}` });
    expect(await readFile(join(directory, 'v.txt'), 'utf8')).toBe('one');
  });

  it('reports the commit, not the tag object, for an annotated tag', async () => {
    const repo = newRepo();
    const tagged = repos.commit(repo.name, { 'v.txt': 'annotated' });
    git(repos.pathOf(repo.name), ['tag', '-a', 'v2.0.0', '-m', 'release 2', tagged]);
    const tagObject = git(repos.pathOf(repo.name), ['rev-parse', 'refs/tags/v2.0.0']);
    expect(tagObject).not.toBe(tagged);
    const { result } = await checkout({ url: repo.url, ref: { tag: 'v2.0.0' } });
    expect(result).toMatchObject({ revision: `v2.0.0@sha1:${tagged}`, commit: tagged });
  });

  it('picks the highest tag matching a semver range, over tag and branch', async () => {
    const repo = newRepo();
    repos.commit(repo.name, { v: '1.0.0' }, { tag: 'v1.0.0' });
    const v12 = repos.commit(repo.name, { v: '1.2.0' }, { tag: 'v1.2.0' });
    const v110 = repos.commit(repo.name, { v: '1.10.0' }, { tag: 'v1.10.0' });
    repos.commit(repo.name, { v: '2.0.0' }, { tag: 'v2.0.0' });
    repos.commit(repo.name, { v: '1.11.0-rc.1' }, { tag: 'v1.11.0-rc.1' });
    git(repos.pathOf(repo.name), ['tag', '-a', 'v1.3.0', '-m', 'annotated', v12]);
    const { result, directory } = await checkout({
      url: repo.url,
      ref: { semver: '^1.0', tag: 'v1.0.0', branch: 'main' },
    });
    expect(result).toMatchObject({ revision: `v1.10.0@sha1:${v110}` });
    expect(await readFile(join(directory, 'v'), 'utf8')).toBe('1.10.0');
    const narrower = await checkout({ url: repo.url, ref: { semver: '>=1.2.0 <1.4.0' } });
    expect(narrower.result).toMatchObject({ revision: `v1.3.0@sha1:${v12}` });
  });

  it('checks out a ref by name, e.g. a pull request head', async () => {
    const repo = newRepo();
    repos.commit(repo.name, { f: 'main' });
    const pr = repos.commit(repo.name, { f: 'pr' }, { branch: 'pr-1' });
    git(repos.pathOf(repo.name), ['update-ref', 'refs/pull/1/head', pr]);
    repos.deleteBranch(repo.name, 'pr-1');
    const { result, directory } = await checkout({
      url: repo.url,
      ref: { name: 'refs/pull/1/head', semver: '*', branch: 'main' },
    });
    expect(result).toMatchObject({ revision: `refs/pull/1/head@sha1:${pr}` });
    expect(await readFile(join(directory, 'f'), 'utf8')).toBe('pr');
  });

  it('checks out a commit that is not the tip, as sha1:<hex>', async () => {
    const repo = newRepo();
    const first = repos.commit(repo.name, { c: 'first' });
    repos.commit(repo.name, { c: 'second' });
    const { result, directory } = await checkout({ url: repo.url, ref: { commit: first, name: 'refs/heads/main' } });
    expect(result).toMatchObject({ revision: `sha1:${first}`, commit: first });
    expect(await readFile(join(directory, 'c'), 'utf8')).toBe('first');
  });

  it('checks out a commit within a branch as <branch>@sha1:<hex>, and refuses one outside it', async () => {
    const repo = newRepo();
    const first = repos.commit(repo.name, { c: 'first' });
    repos.commit(repo.name, { c: 'second' });
    const other = repos.commit(repo.name, { c: 'other' }, { branch: 'other' });
    const { result, directory } = await checkout({ url: repo.url, ref: { branch: 'main', commit: first } });
    expect(result).toMatchObject({ revision: `main@sha1:${first}` });
    expect(await readFile(join(directory, 'c'), 'utf8')).toBe('first');
    const error = await fetchFailure({ url: repo.url, ref: { branch: 'main', commit: other } });
    expect(error.reason).toBe('GitOperationFailed');
    expect(error.message).toBe(`commit '${other}' not found in branch 'main' of ${repo.url}`);
  });
});

describe('changes on the remote', () => {
  it('follows a force-pushed branch to its new commit', async () => {
    const repo = newRepo();
    const before = repos.commit(repo.name, { 'f.yaml': 'before' });
    const first = await checkout({ url: repo.url, ref: { branch: 'main' } });
    expect(first.result.revision).toBe(`main@sha1:${before}`);
    const after = repos.commit(repo.name, { 'g.yaml': 'rewritten' }, { force: true, remove: [] });
    const second = await checkout({
      url: repo.url,
      ref: { branch: 'main' },
      lastObservedRevision: first.result.revision,
    });
    expect(second.result).toMatchObject({ changed: true, revision: `main@sha1:${after}` });
    expect(await listFiles(second.directory)).toEqual(['g.yaml']);
  });

  it('names a deleted branch and the URL', async () => {
    const repo = newRepo();
    repos.commit(repo.name, { f: '1' });
    repos.commit(repo.name, { f: '2' }, { branch: 'feature-x' });
    await checkout({ url: repo.url, ref: { branch: 'feature-x' } });
    repos.deleteBranch(repo.name, 'feature-x');
    const error = await fetchFailure({ url: repo.url, ref: { branch: 'feature-x' } });
    expect(error.reason).toBe('GitOperationFailed');
    expect(error.message).toBe(`branch 'feature-x' not found on ${repo.url}`);
  });

  it('names a missing tag', async () => {
    const repo = newRepo();
    repos.commit(repo.name, { f: '1' }, { tag: 'v1.0.0' });
    const error = await fetchFailure({ url: repo.url, ref: { tag: 'v9.9.9' } });
    expect(error.message).toBe(`tag 'v9.9.9' not found on ${repo.url}`);
  });

  it('says when no tag matches the semver range', async () => {
    const repo = newRepo();
    repos.commit(repo.name, { f: '1' }, { tag: 'v1.0.0' });
    const error = await fetchFailure({ url: repo.url, ref: { semver: '>=2.0.0' } });
    expect(error.message).toBe(`no tag on ${repo.url} matches semver range '>=2.0.0'`);
  });

  it('names an unknown repository', async () => {
    const error = await fetchFailure({ url: `file://${join(workDir, 'nope.git')}`, ref: { branch: 'main' } });
    expect(error.reason).toBe('GitOperationFailed');
    expect(error.message).toContain(`listing refs of branch 'main' from file://${join(workDir, 'nope.git')} failed:`);
  });
});

describe('sparse checkout and submodules', () => {
  it('checks out only the given directories (and root files, as cone mode does)', async () => {
    const repo = newRepo();
    repos.commit(repo.name, { 'apps/a/x.yaml': 'a', 'apps/b/y.yaml': 'b', 'infra/z.yaml': 'z', 'README.md': 'r' });
    const { directory } = await checkout({
      url: repo.url,
      ref: { branch: 'main' },
      sparseCheckout: ['apps/a', 'infra'],
    });
    expect(await listFiles(directory)).toEqual(['README.md', 'apps/a/x.yaml', 'infra/z.yaml']);
  });

  it('checks out submodules when recurseSubmodules is set', async () => {
    const library = newRepo();
    repos.commit(library.name, { 'lib.yaml': 'library content' });
    const parent = newRepo();
    repos.commit(parent.name, { 'main.yaml': 'parent' });
    // add the submodule from a working copy
    const work = join(workDir, `work-${counter++}`);
    git(workDir, ['clone', '--quiet', parent.url, work]);
    git(work, ['-c', 'protocol.file.allow=always', 'submodule', 'add', '--quiet', library.url, 'vendor/lib']);
    git(work, ['commit', '--quiet', '-m', 'add submodule']);
    git(work, ['push', '--quiet', 'origin', 'HEAD:main']);
    const gitConfig = { 'protocol.file.allow': 'always' };
    const without = await checkout({ url: parent.url, ref: { branch: 'main' }, gitConfig });
    expect(existsSync(join(without.directory, 'vendor/lib/lib.yaml'))).toBe(false);
    const withSubmodules = await checkout({
      url: parent.url,
      ref: { branch: 'main' },
      recurseSubmodules: true,
      gitConfig,
    });
    expect(await readFile(join(withSubmodules.directory, 'vendor/lib/lib.yaml'), 'utf8')).toBe('library content');
  });
});

describe('over HTTP with credentials', () => {
  let server: GitHttpServer;
  let bearerServer: GitHttpServer;
  const username = 'flux-bot';
  const password = 's3cr3t-pa55w0rd';
  beforeAll(async () => {
    server = await startGitHttpServer({ auth: { username, password } });
    bearerServer = await startGitHttpServer({ auth: { bearerToken: 'tok-123456789' } });
  });
  afterAll(async () => {
    await server?.stop();
    await bearerServer?.stop();
  });

  it('fetches with basic auth passed through the environment', async () => {
    server.repositories.create('app');
    const sha = server.repositories.commit('app', { 'app.yaml': 'over http' });
    const { result, directory } = await checkout({
      url: server.urlOf('app'),
      ref: { branch: 'main' },
      credentials: { kind: 'basic', username, password },
    });
    expect(result.revision).toBe(`main@sha1:${sha}`);
    expect(await readFile(join(directory, 'app.yaml'), 'utf8')).toBe('over http');
    // fetched in-process: no repository, so no git config to hold anything of the credentials
    expect(existsSync(join(directory, '.git'))).toBe(false);
  });

  it('fetches with a bearer token', async () => {
    bearerServer.repositories.create('app');
    const sha = bearerServer.repositories.commit('app', { 'app.yaml': 'bearer' });
    const { result } = await checkout({
      url: bearerServer.urlOf('app'),
      ref: { branch: 'main' },
      credentials: { kind: 'bearer', bearerToken: 'tok-123456789' },
    });
    expect(result.revision).toBe(`main@sha1:${sha}`);
  });

  it('fails with AuthenticationFailed naming the host, never the password', async () => {
    server.repositories.create('private');
    server.repositories.commit('private', { a: 'a' });
    const wrongPassword = 'wrong-pa55w0rd';
    const error = await fetchFailure({
      url: server.urlOf('private'),
      ref: { branch: 'main' },
      credentials: { kind: 'basic', username, password: wrongPassword },
    });
    expect(error.reason).toBe('AuthenticationFailed');
    expect(error.message).toContain(`authentication to 127.0.0.1:${server.port} failed`);
    expect(error.message).toContain(server.urlOf('private'));
    expect(error.message).not.toContain(wrongPassword);
    expect(error.message).not.toContain(Buffer.from(`${username}:${wrongPassword}`).toString('base64'));
  });

  it('redacts credentials written into the URL', async () => {
    const urlWithPassword = server.urlOf('missing-repo').replace('http://', `http://${username}:${password}@`);
    const error = await fetchFailure({ url: urlWithPassword, ref: { branch: 'main' } });
    expect(error.message).not.toContain(password);
    expect(error.message).toContain(`127.0.0.1:${server.port}`);
  });

  it('does not clone when the remote revision equals the stored one (ls-remote only)', async () => {
    server.repositories.create('unchanged');
    const sha = server.repositories.commit('unchanged', { a: 'a' });
    const credentials = { kind: 'basic' as const, username, password };
    const directory = checkoutDir();
    const requestsBefore = server.requests.length;
    const result = await checkoutGitRepository({
      url: server.urlOf('unchanged'),
      ref: { branch: 'main' },
      credentials,
      directory,
      lastObservedRevision: `main@sha1:${sha}`,
    });
    expect(result).toEqual({ changed: false, revision: `main@sha1:${sha}` });
    expect(existsSync(directory)).toBe(false);
    // ls-remote in-process is one GET of the ref advertisement; a fetch adds pack requests (POSTs)
    const posts = (from: number) => server.requests.slice(from).filter((request) => request.method === 'POST').length;
    expect(server.requests.slice(requestsBefore)).toEqual([
      { method: 'GET', path: '/unchanged.git/info/refs?service=git-upload-pack' },
    ]);
    expect(posts(requestsBefore)).toBe(0);
    // a legacy-form stored revision is understood too
    const legacy = await checkoutGitRepository({
      url: server.urlOf('unchanged'),
      ref: { branch: 'main' },
      credentials,
      directory,
      lastObservedRevision: `main/${sha}`,
    });
    expect(legacy.changed).toBe(false);
    // and a different stored revision does fetch
    const beforeFetch = server.requests.length;
    const changed = await checkoutGitRepository({
      url: server.urlOf('unchanged'),
      ref: { branch: 'main' },
      credentials,
      directory,
      lastObservedRevision: `main@sha1:${'0'.repeat(40)}`,
    });
    expect(changed.changed).toBe(true);
    // fetched in-process: the GET of the refs and one POST for the pack
    expect(server.requests.slice(beforeFetch)).toEqual([
      { method: 'GET', path: '/unchanged.git/info/refs?service=git-upload-pack' },
      { method: 'POST', path: '/unchanged.git/git-upload-pack' },
    ]);
    expect(posts(beforeFetch)).toBe(1);
  });

  it('lists refs in-process (no git process) and cuts a hanging server off at spec.timeout', async () => {
    const { error, sawGit } = await watchCommandLines(
      checkoutGitRepository({
        url: server.hangingUrl,
        ref: { branch: 'main' },
        credentials: { kind: 'basic', username, password },
        timeoutMs: 3000,
        directory: checkoutDir(),
      }),
      '/hang/repository.git',
      [],
    );
    expect(sawGit).toBe(false);
    expect(error).toBeInstanceOf(FetchError);
    expect((error as FetchError).message).toBe(
      `listing refs of branch 'main' from ${server.hangingUrl} timed out after 3s (spec.timeout)`,
    );
  });

  it('cuts off an in-process fetch whose pack never comes at spec.timeout, without any git process', async () => {
    server.repositories.create('slow-branch');
    server.repositories.commit('slow-branch', { 'a.yaml': 'a' });
    const slow = await startSlowPackServer(server.url);
    try {
      const directory = checkoutDir();
      const { error, sawGit } = await watchCommandLines(
        checkoutGitRepository({
          url: `${slow.url}/slow-branch.git`,
          ref: { branch: 'main' },
          credentials: { kind: 'basic', username, password },
          timeoutMs: 2000,
          directory,
        }),
        `${slow.url}/slow-branch.git`,
        [],
      );
      expect(sawGit).toBe(false);
      expect((error as FetchError).message).toBe(
        `fetching branch 'main' from ${slow.url}/slow-branch.git timed out after 2s (spec.timeout)`,
      );
      expect(existsSync(directory)).toBe(false);
    } finally {
      await slow.stop();
    }
  });

  it('kills a git clone that hangs at spec.timeout, and keeps credentials off every command line', async () => {
    server.repositories.create('slow-pack');
    // A repository asked for, as spec.verify does: otherwise the tag would be fetched in-process, without git.
    server.repositories.commit('slow-pack', { 'a.yaml': 'a' }, { tag: 'v1' });
    const slow = await startSlowPackServer(server.url);
    try {
      const { error, sawGit, leaked } = await watchCommandLines(
        checkoutGitRepository({
          url: `${slow.url}/slow-pack.git`,
          ref: { tag: 'v1' },
          needsRepository: true,
          credentials: { kind: 'basic', username, password },
          timeoutMs: 3000,
          directory: checkoutDir(),
        }),
        `${slow.url}/slow-pack.git`,
        [password, Buffer.from(`${username}:${password}`).toString('base64')],
      );
      expect(sawGit).toBe(true);
      expect(leaked).toEqual([]);
      expect(error).toBeInstanceOf(FetchError);
      expect((error as FetchError).message).toBe(
        `fetching tag 'v1' from ${slow.url}/slow-pack.git timed out after 3s (spec.timeout)`,
      );
    } finally {
      await slow.stop();
    }
  });

  it('credentials written into spec.url authenticate as a Secret would, and never reach a command line', async () => {
    const withCredentials = (url: string) =>
      url.replace('http://', `http://${username}:${encodeURIComponent(password)}@`);
    server.repositories.create('url-auth');
    const sha = server.repositories.commit('url-auth', { 'u.yaml': 'credentials from the URL' }, { tag: 'v1' });
    // A repository asked for, so that git clones and leaves a config behind to look into.
    const { result, directory } = await checkout({
      url: withCredentials(server.urlOf('url-auth')),
      ref: { tag: 'v1' },
      needsRepository: true,
    });
    expect(result.revision).toBe(`v1@sha1:${sha}`);
    expect(await readFile(join(directory, '.git/config'), 'utf8')).not.toContain(password);

    const slow = await startSlowPackServer(server.url);
    try {
      const { error, sawGit, leaked } = await watchCommandLines(
        checkoutGitRepository({
          url: withCredentials(`${slow.url}/url-auth.git`),
          ref: { tag: 'v1' },
          needsRepository: true,
          timeoutMs: 3000,
          directory: checkoutDir(),
        }),
        `${slow.url}/url-auth.git`,
        [password, Buffer.from(`${username}:${password}`).toString('base64')],
      );
      expect(sawGit).toBe(true);
      expect(leaked).toEqual([]);
      expect((error as FetchError).message).toBe(
        `fetching tag 'v1' from ${slow.url}/url-auth.git timed out after 3s (spec.timeout)`,
      );
    } finally {
      await slow.stop();
    }
  });
});

/** Relays GETs (the ref advertisement) to `upstream` and never answers a POST: a server that stalls mid-clone. */
async function startSlowPackServer(upstream: string): Promise<{ url: string; stop(): Promise<void> }> {
  const slow = createHttpServer((incoming, outgoing) => {
    if (incoming.method !== 'GET') return;
    const relayed = httpRequest(
      `${upstream}${incoming.url}`,
      { headers: { ...incoming.headers, host: new URL(upstream).host } },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    relayed.on('error', () => outgoing.writeHead(502).end());
    relayed.end();
  });
  await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(slow.address() as AddressInfo).port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        slow.closeAllConnections();
        slow.close(() => resolve());
      }),
  };
}

describe('over SSH', () => {
  let sshServer: GitSshServer | undefined;
  beforeAll(async () => {
    sshServer = await startGitSshServer();
  });
  afterAll(async () => {
    await sshServer?.stop();
  });

  it('fetches with an identity and a strict known_hosts', async () => {
    const server = sshServer!;
    server.repositories.create('ssh-app');
    const sha = server.repositories.commit('ssh-app', { 'ssh.yaml': 'over ssh' });
    const { result, directory } = await checkout({
      url: server.urlOf('ssh-app'),
      ref: { branch: 'main' },
      credentials: { kind: 'ssh', identity: server.identity, knownHosts: server.knownHosts },
    });
    expect(result.revision).toBe(`main@sha1:${sha}`);
    expect(await readFile(join(directory, 'ssh.yaml'), 'utf8')).toBe('over ssh');
  });

  it("a passphrase written into spec.url unlocks the Secret's key, and never reaches a command line", async () => {
    const server = sshServer!;
    const passphrase = 'url-pa55phrase';
    const keyFile = join(workDir, `encrypted-identity-${counter++}`);
    await writeFile(keyFile, server.identity, { mode: 0o600 });
    execFileSync('ssh-keygen', ['-q', '-p', '-P', '', '-N', passphrase, '-f', keyFile]);
    const credentials = {
      kind: 'ssh' as const,
      identity: await readFile(keyFile, 'utf8'),
      knownHosts: server.knownHosts,
    };
    const withPassphrase = (url: string) => url.replace('@127.0.0.1:', `:${passphrase}@127.0.0.1:`);

    server.repositories.create('ssh-url');
    const sha = server.repositories.commit('ssh-url', { 'p.yaml': 'unlocked by the URL' });
    const { result } = await checkout({
      url: withPassphrase(server.urlOf('ssh-url')),
      ref: { branch: 'main' },
      credentials,
    });
    expect(result.revision).toBe(`main@sha1:${sha}`);

    // a server that accepts the connection and never speaks keeps git and ssh running while we look
    const sockets: Socket[] = [];
    const silent = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as AddressInfo).port;
    try {
      const url = `ssh://git:${passphrase}@127.0.0.1:${port}/srv/hanging.git`;
      const { error, sawGit, leaked } = await watchCommandLines(
        checkoutGitRepository({ url, ref: { branch: 'main' }, credentials, timeoutMs: 3000, directory: checkoutDir() }),
        'git-upload-pack',
        [passphrase],
      );
      expect(sawGit).toBe(true);
      expect(leaked).toEqual([]);
      expect((error as FetchError).message).toBe(
        `listing refs of branch 'main' from ssh://127.0.0.1:${port}/srv/hanging.git timed out after 3s (spec.timeout)`,
      );
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('refuses a host whose key is not the known one', async () => {
    const server = sshServer!;
    server.repositories.create('ssh-other');
    server.repositories.commit('ssh-other', { a: 'a' });
    const error = await fetchFailure({
      url: server.urlOf('ssh-other'),
      ref: { branch: 'main' },
      credentials: { kind: 'ssh', identity: server.identity, knownHosts: server.wrongKnownHosts },
    });
    expect(error.reason).toBe('AuthenticationFailed');
    expect(error.message).toContain(`authentication to 127.0.0.1:${server.port} failed`);
    expect(error.message).not.toContain('PRIVATE KEY');
  });
});
