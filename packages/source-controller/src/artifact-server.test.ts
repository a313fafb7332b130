import { request as httpRequest } from 'node:http';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseListenAddress, type RunningArtifactServer, startArtifactServer } from './artifact-server.ts';
import { type Artifact, ArtifactStorage } from './storage.ts';

let root = '';
let server: RunningArtifactServer;
let artifact: Artifact;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'artifact-server-'));
  const storagePath = join(root, 'data');
  const storage = new ArtifactStorage({ basePath: storagePath, advertisedAddress: 'unused' });
  await storage.ensureBasePath();
  const source = join(root, 'source');
  await mkdir(source);
  await writeFile(join(source, 'app.yaml'), 'kind: ConfigMap\n'.repeat(1000));
  artifact = await storage.archive({ kind: 'GitRepository', namespace: 'ns', name: 'repo' }, 'main@sha1:x', source, {
    fileName: 'abc.tar.gz',
  });
  await storage.linkLatest(artifact);
  await writeFile(join(root, 'outside-secret.txt'), 'secret');
  await symlink(join(root, 'outside-secret.txt'), join(storagePath, 'gitrepository/ns/repo/escape.tar.gz'));
  await symlink(root, join(storagePath, 'gitrepository/ns/repo/escape-dir'));
  await writeFile(join(storagePath, 'gitrepository/ns/repo/.abc.tar.gz.123.tmp'), 'partial');
  server = await startArtifactServer({ storagePath, address: '127.0.0.1:0' });
});

afterAll(async () => {
  await server?.close();
  await rm(root, { recursive: true, force: true });
});

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

// node:http keeps the path as written (fetch would normalize '..' away).
function rawRequest(
  path: string,
  options: { method?: string; headers?: Record<string, string> } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port: server.port, path, method: options.method ?? 'GET', headers: options.headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('artifact server', () => {
  it('serves an artifact with Content-Length and its digest as ETag', async () => {
    const response = await rawRequest(`/${artifact.path}`);
    expect(response.status).toBe(200);
    expect(Number(response.headers['content-length'])).toBe(artifact.size);
    expect(response.body.length).toBe(artifact.size);
    expect(response.headers.etag).toBe(`"${artifact.digest}"`);
    expect(response.headers['content-type']).toBe('application/gzip');
  });

  it('answers 304 when If-None-Match carries the digest', async () => {
    const notModified = await rawRequest(`/${artifact.path}`, { headers: { 'If-None-Match': `"${artifact.digest}"` } });
    expect(notModified.status).toBe(304);
    expect(notModified.body.length).toBe(0);
    const changed = await rawRequest(`/${artifact.path}`, { headers: { 'If-None-Match': '"sha256:other"' } });
    expect(changed.status).toBe(200);
  });

  it('answers HEAD without a body', async () => {
    const response = await rawRequest(`/${artifact.path}`, { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(Number(response.headers['content-length'])).toBe(artifact.size);
    expect(response.body.length).toBe(0);
  });

  it('follows the latest link inside the storage', async () => {
    const response = await rawRequest('/gitrepository/ns/repo/latest.tar.gz');
    expect(response.status).toBe(200);
    expect(response.headers.etag).toBe(`"${artifact.digest}"`);
  });

  it.each([
    ['a directory (no listing)', '/gitrepository/ns/repo/'],
    ['the root', '/'],
    ['a missing file', '/gitrepository/ns/repo/missing.tar.gz'],
    ['a parent traversal', '/gitrepository/ns/repo/../../../../outside-secret.txt'],
    ['an encoded traversal', '/gitrepository/ns/repo/%2e%2e/%2e%2e/%2e%2e/%2e%2e/outside-secret.txt'],
    ['an encoded separator', '/gitrepository%2fns%2frepo%2fabc.tar.gz'],
    ['a symlink leaving the storage', '/gitrepository/ns/repo/escape.tar.gz'],
    [
      'a file through a symlinked directory leaving the storage',
      '/gitrepository/ns/repo/escape-dir/outside-secret.txt',
    ],
    ['a temporary file of a write under way', '/gitrepository/ns/repo/.abc.tar.gz.123.tmp'],
  ])('answers 404 for %s', async (_what, path) => {
    const response = await rawRequest(path);
    expect(response.status).toBe(404);
    expect(response.body.toString()).not.toContain('secret');
  });

  it('refuses other methods', async () => {
    const response = await rawRequest(`/${artifact.path}`, { method: 'DELETE' });
    expect(response.status).toBe(405);
    expect(response.headers.allow).toBe('GET, HEAD');
  });

  it('parses --storage-addr forms', () => {
    expect(parseListenAddress(':9090')).toEqual({ host: undefined, port: 9090 });
    expect(parseListenAddress('0.0.0.0:9090')).toEqual({ host: '0.0.0.0', port: 9090 });
    expect(parseListenAddress('[::1]:80')).toEqual({ host: '::1', port: 80 });
    expect(() => parseListenAddress('9090')).toThrow(/invalid --storage-addr '9090'/);
  });
});
