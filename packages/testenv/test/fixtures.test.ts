// The fixture servers later issues rely on, each used the way a controller will use it.
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createTestCertificates,
  startGitHttpServer,
  startGitSshServer,
  startNatsServer,
  startOciRegistry,
  startStaticServer,
  startWebhookSink,
} from '../src/index.ts';

const scratch = mkdtempSync(join(tmpdir(), 'fluxion-fixtures-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

// Async on purpose: the servers under test run in this same process and must keep answering.
const execFileAsync = promisify(execFile);

async function clone(url: string, env: NodeJS.ProcessEnv = {}): Promise<{ ok: boolean; output: string; dir: string }> {
  const dir = mkdtempSync(join(scratch, 'clone-'));
  try {
    await execFileAsync('git', ['clone', '--quiet', url, dir], {
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0', ...env },
    });
    return { ok: true, output: '', dir };
  } catch (error) {
    return { ok: false, output: String((error as { stderr?: string }).stderr ?? error), dir };
  }
}

describe('git over HTTP', () => {
  it('serves a repository anonymously and records the requests', async () => {
    const server = await startGitHttpServer();
    try {
      server.repositories.create('app');
      const sha = server.repositories.commit('app', { 'README.md': 'hello\n' });
      const result = await clone(server.urlOf('app'));
      expect(result.output).toBe('');
      expect(readFileSync(join(result.dir, 'README.md'), 'utf8')).toBe('hello\n');
      expect(execFileSync('git', ['rev-parse', 'HEAD'], { cwd: result.dir, encoding: 'utf8' }).trim()).toBe(sha);
      expect(server.requests.some((r) => r.path.includes('git-upload-pack'))).toBe(true);
    } finally {
      await server.stop();
    }
  });

  it('requires basic auth or a bearer token when configured', async () => {
    const server = await startGitHttpServer({ auth: { username: 'flux', password: 's3cret', bearerToken: 'tok-123' } });
    try {
      server.repositories.create('private');
      server.repositories.commit('private', { 'a.txt': 'a\n' });
      const anonymous = await clone(server.urlOf('private'));
      expect(anonymous.ok).toBe(false);
      expect(anonymous.output).toMatch(/Authentication failed|could not read Username|401/);
      const wrong = await clone(server.urlOf('private').replace('http://', 'http://flux:wrong@'));
      expect(wrong.ok).toBe(false);
      expect((await clone(server.urlOf('private').replace('http://', 'http://flux:s3cret@'))).ok).toBe(true);
      const bearer = await clone(server.urlOf('private'), {
        GIT_CONFIG_COUNT: '1',
        GIT_CONFIG_KEY_0: 'http.extraHeader',
        GIT_CONFIG_VALUE_0: 'Authorization: Bearer tok-123',
      });
      expect(bearer.output).toBe('');
    } finally {
      await server.stop();
    }
  });

  it('tracks branches, tags, force pushes and deleted branches', async () => {
    const server = await startGitHttpServer();
    try {
      const repos = server.repositories;
      repos.create('refs');
      const first = repos.commit('refs', { 'v.txt': '1' }, { tag: 'v1.0.0' });
      const second = repos.commit('refs', { 'v.txt': '2' });
      expect(repos.head('refs')).toBe(second);
      expect(repos.head('refs', 'refs/tags/v1.0.0')).toBe(first);
      const rewritten = repos.commit('refs', { 'other.txt': 'x' }, { force: true });
      expect(repos.head('refs')).toBe(rewritten);
      repos.commit('refs', { 'f.txt': 'f' }, { branch: 'feature' });
      repos.deleteBranch('refs', 'feature');
      const { stdout: heads } = await execFileAsync('git', ['ls-remote', '--heads', server.urlOf('refs')]);
      expect(heads).not.toContain('feature');
      expect(heads).toContain(rewritten);
    } finally {
      await server.stop();
    }
  });
});

describe('git over SSH', () => {
  it('clones with the key and known_hosts, and refuses a wrong host key', async () => {
    const server = await startGitSshServer();
    try {
      server.repositories.create('ssh-app');
      server.repositories.commit('ssh-app', { 'k.txt': 'over ssh\n' });
      const keyFile = join(scratch, 'id');
      writeFileSync(keyFile, server.identity, { mode: 0o600 });
      const sshWith = (knownHosts: string): NodeJS.ProcessEnv => {
        const file = join(scratch, `known_hosts-${Math.random()}`);
        writeFileSync(file, `${knownHosts}\n`);
        return {
          GIT_SSH_COMMAND: `ssh -i ${keyFile} -o IdentitiesOnly=yes -o UserKnownHostsFile=${file} -o StrictHostKeyChecking=yes -o BatchMode=yes`,
        };
      };
      const good = await clone(server.urlOf('ssh-app'), sshWith(server.knownHosts));
      expect(good.output).toBe('');
      expect(readFileSync(join(good.dir, 'k.txt'), 'utf8')).toBe('over ssh\n');
      const spoofed = await clone(server.urlOf('ssh-app'), sshWith(server.wrongKnownHosts));
      expect(spoofed.ok).toBe(false);
      expect(spoofed.output).toMatch(/Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED/);
    } finally {
      await server.stop();
    }
  });
});

describe('OCI registry', () => {
  it('accepts a blob upload and serves it back by digest', async () => {
    const registry = await startOciRegistry();
    try {
      const blob = Buffer.from('fluxion artifact');
      const digest = `sha256:${createHash('sha256').update(blob).digest('hex')}`;
      const start = await fetch(`${registry.url}/v2/demo/app/blobs/uploads/`, { method: 'POST' });
      expect(start.status).toBe(202);
      const location = new URL(start.headers.get('location') ?? '', registry.url);
      location.searchParams.set('digest', digest);
      const put = await fetch(location, {
        method: 'PUT',
        body: blob,
        headers: { 'content-type': 'application/octet-stream' },
      });
      expect(put.status).toBe(201);
      const got = await fetch(`${registry.url}/v2/demo/app/blobs/${digest}`);
      expect(Buffer.from(await got.arrayBuffer()).toString()).toBe('fluxion artifact');
    } finally {
      await registry.stop();
    }
  });
});

describe('static HTTP server', () => {
  it('serves files under its root, behind basic auth when asked', async () => {
    const root = join(scratch, 'helm-repo');
    mkdirSync(root, { recursive: true });
    writeFileSync(join(root, 'index.yaml'), 'apiVersion: v1\nentries: {}\n');
    const server = await startStaticServer(root, { auth: { username: 'u', password: 'p' } });
    try {
      expect((await fetch(`${server.url}/index.yaml`)).status).toBe(401);
      const authorization = `Basic ${Buffer.from('u:p').toString('base64')}`;
      const ok = await fetch(`${server.url}/index.yaml`, { headers: { authorization } });
      expect(await ok.text()).toContain('entries');
      expect((await fetch(`${server.url}/missing.tgz`, { headers: { authorization } })).status).toBe(404);
      expect((await fetch(`${server.url}/..%2f..%2fetc%2fpasswd`, { headers: { authorization } })).status).not.toBe(
        200,
      );
    } finally {
      await server.stop();
    }
  });
});

describe('webhook sink', () => {
  it('records requests and answers with the configured status', async () => {
    const sink = await startWebhookSink();
    try {
      sink.respondWith = 503;
      const res = await fetch(`${sink.url}/hook`, { method: 'POST', body: '{"reason":"ReconciliationFailed"}' });
      expect(res.status).toBe(503);
      const recorded = await sink.waitFor((r) => r.path === '/hook');
      expect(JSON.parse(recorded.body)).toEqual({ reason: 'ReconciliationFailed' });
    } finally {
      await sink.stop();
    }
  });
});

describe('NATS server', () => {
  it('greets a client with its INFO line', async () => {
    const nats = await startNatsServer();
    try {
      const { hostname, port } = new URL(nats.url.replace('nats://', 'http://'));
      const greeting = await new Promise<string>((resolve, reject) => {
        const socket = connect(Number(port), hostname, () => undefined);
        socket.once('data', (data) => {
          socket.destroy();
          resolve(data.toString());
        });
        socket.on('error', reject);
      });
      expect(greeting.startsWith('INFO {')).toBe(true);
    } finally {
      await nats.stop();
    }
  });
});

describe('git over HTTPS', () => {
  // GIT_SSL_CAINFO (set on some machines) would override http.sslCAInfo: these clones trust only what they are given.
  const withoutAmbientCa = {
    GIT_SSL_CAINFO: undefined,
    GIT_SSL_CAPATH: undefined,
    GIT_SSL_CERT: undefined,
    GIT_SSL_KEY: undefined,
  };
  const pemFile = (name: string, pem: string): string => {
    const file = join(mkdtempSync(join(scratch, 'pem-')), name);
    writeFileSync(file, pem, { mode: 0o600 });
    return file;
  };
  const gitConfig = (settings: Record<string, string>): NodeJS.ProcessEnv => {
    const entries = Object.entries(settings);
    const env: NodeJS.ProcessEnv = { ...withoutAmbientCa, GIT_CONFIG_COUNT: String(entries.length) };
    entries.forEach(([key, value], index) => {
      env[`GIT_CONFIG_KEY_${index}`] = key;
      env[`GIT_CONFIG_VALUE_${index}`] = value;
    });
    return env;
  };

  it('serves over https with a throwaway CA that a client must be given to trust', async () => {
    const server = await startGitHttpServer({ tls: {} });
    try {
      expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect(server.caCert).toContain('-----BEGIN CERTIFICATE-----');
      server.repositories.create('secure');
      const sha = server.repositories.commit('secure', { 'README.md': 'over tls\n' });

      const untrusted = await clone(server.urlOf('secure'), gitConfig({}));
      expect(untrusted.ok).toBe(false);
      expect(untrusted.output).toMatch(/certificate verification failed|SSL certificate problem/);

      const caFile = pemFile('ca.crt', server.caCert);
      const trusted = await clone(server.urlOf('secure'), gitConfig({ 'http.sslCAInfo': caFile }));
      expect(trusted.output).toBe('');
      expect(readFileSync(join(trusted.dir, 'README.md'), 'utf8')).toBe('over tls\n');
      const { stdout: head } = await execFileAsync('git', ['rev-parse', 'HEAD'], { cwd: trusted.dir });
      expect(head.trim()).toBe(sha);
      // The certificate names localhost too (subjectAltName), not only 127.0.0.1.
      const byName = await clone(
        server.urlOf('secure').replace('127.0.0.1', 'localhost'),
        gitConfig({ 'http.sslCAInfo': caFile }),
      );
      expect(byName.output).toBe('');
    } finally {
      await server.stop();
    }
  });

  it('with clientAuth, refuses a client without a certificate the CA signed', async () => {
    const server = await startGitHttpServer({ tls: { clientAuth: true } });
    const stranger = await createTestCertificates();
    try {
      server.repositories.create('mtls');
      server.repositories.commit('mtls', { 'a.txt': 'mutual\n' });
      const caFile = pemFile('ca.crt', server.caCert);

      const noCertificate = await clone(server.urlOf('mtls'), gitConfig({ 'http.sslCAInfo': caFile }));
      expect(noCertificate.ok).toBe(false);
      // Refused in the TLS layer: git reports the alert or the dropped connection, depending on timing.
      expect(noCertificate.output).toMatch(
        /alert|handshake|non-properly terminated|reset by peer|broken pipe|getpeername|empty reply/i,
      );
      expect(server.requests).toEqual([]);

      const foreignCertificate = await clone(
        server.urlOf('mtls'),
        gitConfig({
          'http.sslCAInfo': caFile,
          'http.sslCert': pemFile('tls.crt', stranger.clientCert),
          'http.sslKey': pemFile('tls.key', stranger.clientKey),
        }),
      );
      expect(foreignCertificate.ok).toBe(false);
      expect(server.requests).toEqual([]);

      const withCertificate = await clone(
        server.urlOf('mtls'),
        gitConfig({
          'http.sslCAInfo': caFile,
          'http.sslCert': pemFile('tls.crt', server.clientCert),
          'http.sslKey': pemFile('tls.key', server.clientKey),
        }),
      );
      expect(withCertificate.output).toBe('');
      expect(readFileSync(join(withCertificate.dir, 'a.txt'), 'utf8')).toBe('mutual\n');
    } finally {
      await server.stop();
    }
  });

  it("makes a new CA each time, so one server does not trust another one's certificates", async () => {
    const [first, second] = await Promise.all([createTestCertificates(), createTestCertificates()]);
    expect(first.caCert).not.toBe(second.caCert);
    const { stdout } = await execFileAsync('openssl', [
      'verify',
      '-CAfile',
      pemFile('ca.crt', first.caCert),
      pemFile('client.crt', second.clientCert),
    ]).catch((error: { stdout?: string; stderr?: string }) => ({
      stdout: `${error.stdout ?? ''}${error.stderr ?? ''}`,
    }));
    expect(stdout).toMatch(/unable to get local issuer certificate|verification failed/);
  });
});
