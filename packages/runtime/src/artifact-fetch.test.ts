import { createServer, type Server } from 'node:http';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { filesToEntries, sha256Digest, tarGz } from '@fluxion/testenv';
import { ArtifactFetchError, fetchArtifact } from './artifact-fetch.ts';

describe('fetchArtifact', () => {
  let server: Server;
  let base = '';
  const archive = tarGz(filesToEntries({ 'apps/web.yaml': 'kind: ConfigMap\n' }));
  // 2 MiB of zeros compress to about 2 KiB: small on the wire, large once unpacked
  const bomb = tarGz(filesToEntries({ 'zeros.bin': '\0'.repeat(2 * 1024 * 1024) }));
  let flakyFailures = 0;

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/ok.tar.gz') return void res.end(archive);
      if (req.url === '/flaky.tar.gz') {
        if (flakyFailures-- > 0) return void res.writeHead(503).end();
        return void res.end(archive);
      }
      if (req.url === '/bomb.tar.gz') return void res.end(bomb);
      if (req.url === '/garbage.tar.gz') return void res.end('not gzip');
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('downloads, verifies the digest and unpacks into a directory the caller removes', async () => {
    const fetched = await fetchArtifact(`${base}/ok.tar.gz`, { digest: sha256Digest(archive) });
    expect(await readFile(join(fetched.dir, 'apps/web.yaml'), 'utf8')).toBe('kind: ConfigMap\n');
    await fetched.cleanup();
    await expect(stat(fetched.dir)).rejects.toThrow();
  });

  it('names the URL and both digests when the digest does not match, and unpacks nothing', async () => {
    const wrong = `sha256:${'0'.repeat(64)}`;
    const error = await fetchArtifact(`${base}/ok.tar.gz`, { digest: wrong }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ArtifactFetchError);
    expect((error as ArtifactFetchError).reason).toBe('ArtifactFailed');
    expect((error as Error).message).toBe(
      `failed to verify artifact from ${base}/ok.tar.gz: computed digest ${sha256Digest(archive)} does not match the source's digest ${wrong}`,
    );
  });

  it('retries server errors and gives up on a 404 at once', async () => {
    flakyFailures = 2;
    const fetched = await fetchArtifact(`${base}/flaky.tar.gz`, {
      digest: sha256Digest(archive),
      retries: 2,
      retryDelayMs: 5,
    });
    await fetched.cleanup();
    flakyFailures = 5;
    await expect(
      fetchArtifact(`${base}/flaky.tar.gz`, { digest: undefined, retries: 1, retryDelayMs: 5 }),
    ).rejects.toThrow(/HTTP 503/);
    await expect(
      fetchArtifact(`${base}/missing.tar.gz`, { digest: undefined, retries: 3, retryDelayMs: 5_000 }),
    ).rejects.toThrow(`failed to download artifact from ${base}/missing.tar.gz: HTTP 404 Not Found`);
  });

  it('reports a file that is not a gzip archive', async () => {
    await expect(fetchArtifact(`${base}/garbage.tar.gz`, { digest: undefined })).rejects.toThrow(
      /is not a gzip archive/,
    );
  });

  it('refuses an artifact larger than the limit', async () => {
    await expect(fetchArtifact(`${base}/ok.tar.gz`, { digest: undefined, maxSizeBytes: 10 })).rejects.toThrow(
      /more than the 10 allowed|more than the 10 bytes/,
    );
  });

  it('refuses a small archive that unpacks past the limit, and leaves no directory behind', async () => {
    const limit = 64 * 1024;
    expect(bomb.length).toBeLessThan(limit);
    const tempRoot = await mkdtemp(join(tmpdir(), 'bomb-test-'));
    const error = await fetchArtifact(`${base}/bomb.tar.gz`, {
      digest: sha256Digest(bomb),
      maxSizeBytes: limit,
      tempRoot,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ArtifactFetchError);
    expect((error as ArtifactFetchError).retryable).toBe(false);
    expect((error as Error).message).toBe(`artifact from ${base}/bomb.tar.gz unpacks to more than ${limit} bytes`);
    expect(await readdir(tempRoot)).toEqual([]);
    await rm(tempRoot, { recursive: true });
  });
});
