// In-process ls-remote against git http-backend (testenv's git HTTP(S) fixture): the same refs as `git ls-remote`,
// basic and bearer auth, wrong credentials, a missing repository, a hanging server, a proxy, TLS, redirects.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createTestCertificates,
  git,
  type GitHttpServer,
  type GitHttpsServer,
  startGitHttpServer,
  startHttpProxy,
} from '@fluxion/testenv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitHttpError } from '../src/git/git-http-request.ts';
import { GitRemoteError, listRemoteRefs } from '../src/git/git-http-ls-remote.ts';
import { peeledRefMap } from '../src/git/ref-advertisement.ts';

const password = 'ls-remote-Passw0rd';
const token = 'ls-remote-bearer-token';
const deadline = () => Date.now() + 10_000;
let open: GitHttpServer;
let basic: GitHttpServer;
let bearer: GitHttpServer;
let https: GitHttpsServer;
let mutual: GitHttpsServer;
let commit: string;
let tagged: string;

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}

beforeAll(async () => {
  [open, basic, bearer, https, mutual] = await Promise.all([
    startGitHttpServer(),
    startGitHttpServer({ auth: { username: 'flux', password } }),
    startGitHttpServer({ auth: { bearerToken: token } }),
    startGitHttpServer({ tls: {} }),
    startGitHttpServer({ tls: { clientAuth: true } }),
  ]);
  for (const server of [open, basic, bearer, https, mutual]) server.repositories.create('app');
  tagged = open.repositories.commit('app', { 'a.yaml': 'a: 1\n' }, { tag: 'v0.1.0' });
  // An annotated tag, which ls-remote lists with its peeled commit.
  git(open.repositories.pathOf('app'), ['tag', '-a', '-m', 'release', 'v1.0.0', tagged]);
  commit = open.repositories.commit('app', { 'b.yaml': 'b: 1\n' });
  open.repositories.commit('app', { 'c.yaml': 'c: 1\n' }, { branch: 'feature' });
  for (const server of [basic, bearer, https, mutual]) server.repositories.commit('app', { 'a.yaml': 'a: 1\n' });
});
afterAll(async () => {
  await Promise.all([open, basic, bearer, https, mutual].map((server) => server?.stop()));
});

describe('listRemoteRefs', () => {
  it('lists what git ls-remote lists, with HEAD, its symref and annotated tags peeled, in one GET', async () => {
    const before = open.requests.length;
    const refs = await listRemoteRefs(open.urlOf('app'), { deadline: deadline() });
    expect(open.requests.slice(before)).toEqual([
      { method: 'GET', path: '/app.git/info/refs?service=git-upload-pack' },
    ]);
    const expected = new Map<string, string>();
    // Async: the server answering git runs in this process.
    const { stdout: listed } = await promisify(execFile)('git', ['ls-remote', open.urlOf('app')], { encoding: 'utf8' });
    for (const line of listed.trim().split('\n')) {
      const [oid, name] = line.split('\t') as [string, string];
      expected.set(name.replace(/\^\{\}$/, ''), oid);
    }
    expect(peeledRefMap(refs)).toEqual(expected);
    expect(refs.symrefs.get('HEAD')).toBe('refs/heads/main');
    expect(peeledRefMap(refs).get('refs/heads/main')).toBe(commit);
    expect(peeledRefMap(refs).get('refs/tags/v1.0.0')).toBe(tagged);
    expect(refs.refs.find((ref) => ref.name === 'refs/tags/v1.0.0')?.oid).not.toBe(tagged);
  });

  it('sends basic and bearer credentials', async () => {
    const withBasic = await listRemoteRefs(basic.urlOf('app'), {
      credentials: { kind: 'basic', username: 'flux', password },
      deadline: deadline(),
    });
    expect(withBasic.refs.some((ref) => ref.name === 'refs/heads/main')).toBe(true);
    const withToken = await listRemoteRefs(bearer.urlOf('app'), {
      credentials: { kind: 'bearer', bearerToken: token },
      deadline: deadline(),
    });
    expect(withToken.refs.some((ref) => ref.name === 'refs/heads/main')).toBe(true);
  });

  it('says authentication failed for the host on wrong or missing credentials, without the password', async () => {
    const host = new URL(basic.url).host;
    const wrong = await failure(
      listRemoteRefs(basic.urlOf('app'), {
        credentials: { kind: 'basic', username: 'flux', password: 'wrong-password-xyz' },
        deadline: deadline(),
      }),
    );
    expect(wrong).toBeInstanceOf(GitRemoteError);
    expect(wrong).toMatchObject({ kind: 'authentication', host, status: 401 });
    expect(wrong.message).toBe(`authentication failed for ${host}: HTTP 401 (credentials refused)`);
    expect(wrong.message).not.toContain('wrong-password-xyz');
    const missing = await failure(listRemoteRefs(basic.urlOf('app'), { deadline: deadline() }));
    expect(missing.message).toBe(`authentication failed for ${host}: HTTP 401 (credentials required)`);
  });

  it('says repository not found on a 404', async () => {
    const error = await failure(listRemoteRefs(open.urlOf('nowhere'), { deadline: deadline() }));
    expect(error).toMatchObject({ kind: 'not-found' });
    expect(error.message).toBe(`repository not found: HTTP 404 from ${new URL(open.url).host}`);
  });

  it('cuts off a server that never answers at the deadline', async () => {
    const started = Date.now();
    const error = await failure(listRemoteRefs(open.hangingUrl, { deadline: Date.now() + 1_000 }));
    expect(error).toBeInstanceOf(GitHttpError);
    expect(error).toMatchObject({ kind: 'timeout', host: new URL(open.url).host });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('names an unreachable host', async () => {
    const error = await failure(listRemoteRefs('http://127.0.0.1:1/app.git', { deadline: deadline() }));
    expect(error).toMatchObject({ kind: 'connection', host: '127.0.0.1:1' });
    expect(error.message).toMatch(/^cannot reach 127\.0\.0\.1:1: .*ECONNREFUSED/);
  });

  it('goes through a proxy with credentials, for http and (CONNECT) https', async () => {
    const proxy = await startHttpProxy({ username: 'proxy-user', password: 'proxy-pass' });
    try {
      const viaProxy = { address: proxy.url, username: 'proxy-user', password: 'proxy-pass' };
      const plain = await listRemoteRefs(open.urlOf('app'), { proxy: viaProxy, deadline: deadline() });
      expect(peeledRefMap(plain).get('refs/heads/main')).toBe(commit);
      const secure = await listRemoteRefs(https.urlOf('app'), {
        proxy: viaProxy,
        tls: { caCert: https.caCert },
        deadline: deadline(),
      });
      expect(secure.refs.some((ref) => ref.name === 'refs/heads/main')).toBe(true);
      expect(proxy.requests).toEqual([
        `GET ${open.urlOf('app')}/info/refs?service=git-upload-pack`,
        `CONNECT ${new URL(https.url).host}`,
      ]);
      const refused = await failure(
        listRemoteRefs(open.urlOf('app'), { proxy: { address: proxy.url }, deadline: deadline() }),
      );
      expect(refused).toMatchObject({ kind: 'proxy', host: new URL(proxy.url).host });
      expect(refused.message).toMatch(/proxy authentication failed/);
      const refusedTunnel = await failure(
        listRemoteRefs(https.urlOf('app'), {
          proxy: { address: proxy.url },
          tls: { caCert: https.caCert },
          deadline: deadline(),
        }),
      );
      expect(refusedTunnel.message).toMatch(/proxy authentication failed/);
    } finally {
      await proxy.stop();
    }
  });

  it('uses the proxy of the environment unless NO_PROXY names the host', async () => {
    const proxy = await startHttpProxy();
    try {
      await listRemoteRefs(open.urlOf('app'), { environment: { http_proxy: proxy.url }, deadline: deadline() });
      await listRemoteRefs(open.urlOf('app'), {
        environment: { http_proxy: proxy.url, no_proxy: 'localhost,127.0.0.1' },
        deadline: deadline(),
      });
      // Upper-case HTTP_PROXY is ignored for http, as curl ignores it.
      await listRemoteRefs(open.urlOf('app'), { environment: { HTTP_PROXY: proxy.url }, deadline: deadline() });
      expect(proxy.requests).toHaveLength(1);
    } finally {
      await proxy.stop();
    }
  });

  it('trusts ca.crt, and without it says the certificate could not be verified', async () => {
    const refs = await listRemoteRefs(https.urlOf('app'), { tls: { caCert: https.caCert }, deadline: deadline() });
    expect(refs.refs.some((ref) => ref.name === 'refs/heads/main')).toBe(true);
    const untrusted = (await failure(listRemoteRefs(https.urlOf('app'), { deadline: deadline() }))) as GitHttpError;
    expect(untrusted.kind).toBe('tls');
    expect(untrusted.tls?.kind).toBe('untrusted-server');
    expect(untrusted.message).toMatch(/^server certificate verification failed: /);
    const stranger = await createTestCertificates();
    const wrongCa = (await failure(
      listRemoteRefs(https.urlOf('app'), { tls: { caCert: stranger.caCert }, deadline: deadline() }),
    )) as GitHttpError;
    expect(wrongCa.tls?.hint).toContain('is ca.crt in the Secret in spec.secretRef the CA');
  });

  it('presents a client certificate; without one, or with a foreign one, the server refusal is named', async () => {
    const refs = await listRemoteRefs(mutual.urlOf('app'), {
      tls: { caCert: mutual.caCert, clientCert: mutual.clientCert, clientKey: mutual.clientKey },
      deadline: deadline(),
    });
    expect(refs.refs.some((ref) => ref.name === 'refs/heads/main')).toBe(true);
    const without = (await failure(
      listRemoteRefs(mutual.urlOf('app'), { tls: { caCert: mutual.caCert }, deadline: deadline() }),
    )) as GitHttpError;
    expect(without.tls).toMatchObject({ kind: 'refused-by-server' });
    expect(without.tls?.hint).toContain('the server may require a client certificate');
    const stranger = await createTestCertificates();
    const foreign = (await failure(
      listRemoteRefs(mutual.urlOf('app'), {
        tls: { caCert: mutual.caCert, clientCert: stranger.clientCert, clientKey: stranger.clientKey },
        deadline: deadline(),
      }),
    )) as GitHttpError;
    expect(foreign.tls).toMatchObject({ kind: 'refused-by-server' });
    const mismatched = (await failure(
      listRemoteRefs(mutual.urlOf('app'), {
        tls: { caCert: mutual.caCert, clientCert: mutual.clientCert, clientKey: stranger.clientKey },
        deadline: deadline(),
      }),
    )) as GitHttpError;
    expect(mismatched.tls).toMatchObject({ kind: 'unusable-client-certificate' });
    expect(mismatched.message).not.toContain('PRIVATE KEY');
  });

  it('follows a redirect to the moved repository, and sends credentials to the first origin only', async () => {
    const seen: Array<string | undefined> = [];
    const redirector: Server = createServer((request, response) => {
      seen.push(request.headers.authorization);
      const target = request.url!.startsWith('/old.git') ? basic : open;
      const location = `${target.urlOf('app')}${request.url!.replace(/^\/(old|moved)\.git/, '')}`;
      response.writeHead(301, { Location: location }).end();
    });
    await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
    try {
      const port = (redirector.address() as AddressInfo).port;
      // localhost and 127.0.0.1 are two origins: the credentials do not follow the redirect.
      const error = await failure(
        listRemoteRefs(`http://localhost:${port}/old.git`, {
          credentials: { kind: 'basic', username: 'flux', password },
          deadline: deadline(),
        }),
      );
      expect(seen[0]).toMatch(/^Basic /);
      expect(error).toMatchObject({ kind: 'authentication', host: new URL(basic.url).host });
      const moved = await listRemoteRefs(`http://127.0.0.1:${port}/moved.git`, { deadline: deadline() });
      expect(moved.url).toBe(open.urlOf('app'));
      expect(peeledRefMap(moved).get('refs/heads/main')).toBe(commit);
    } finally {
      redirector.closeAllConnections();
      await new Promise<void>((resolve) => redirector.close(() => resolve()));
    }
  });

  it('says when the URL does not serve git', async () => {
    const page: Server = createServer((_request, response) =>
      response.writeHead(200, { 'Content-Type': 'text/html' }).end('<html>login</html>'),
    );
    await new Promise<void>((resolve) => page.listen(0, '127.0.0.1', resolve));
    try {
      const port = (page.address() as AddressInfo).port;
      const error = await failure(listRemoteRefs(`http://127.0.0.1:${port}/repo.git`, { deadline: deadline() }));
      expect(error).toMatchObject({ kind: 'protocol' });
      expect(error.message).toBe(
        `127.0.0.1:${port} did not answer as a git server (Content-Type 'text/html'): is the URL a git repository?`,
      );
    } finally {
      await new Promise<void>((resolve) => page.close(() => resolve()));
    }
  });
});
