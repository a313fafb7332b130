// Downloads a source artifact by URL (with retries), verifies its digest and unpacks it safely into a temp directory.
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { untar, UnsafeArchiveError } from './safe-untar.ts';

const gunzipAsync = promisify(gunzip);

/** The artifact could not be fetched, verified or unpacked; the message names the URL and what went wrong. */
export class ArtifactFetchError extends Error {
  override readonly name = 'ArtifactFetchError';
  readonly reason = 'ArtifactFailed';
  /** False for failures a retry cannot fix (a digest mismatch, an unsafe archive). */
  readonly retryable: boolean;
  constructor(message: string, options: { retryable: boolean; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.retryable = options.retryable;
  }
}

export interface FetchArtifactOptions {
  /** `sha256:<hex>` (also sha384 and sha512); not verified when undefined. */
  digest: string | undefined;
  /** Extra attempts after the first (Flux's `--artifact-fetch-retries`). */
  retries?: number;
  /** Delay before the first retry, doubled each time. */
  retryDelayMs?: number;
  /** Largest compressed download and largest unpacked content, in bytes. */
  maxSizeBytes?: number;
  /** Where the temp directory is made (default the OS temp dir). */
  tempRoot?: string;
  /** The temp directory's name prefix, so a stray one says whose it is (default `artifact-`). */
  tempPrefix?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface FetchedArtifact {
  /** The directory holding the artifact's contents; remove it with `cleanup()`. */
  dir: string;
  digest: string;
  cleanup(): Promise<void>;
}

export const defaultMaxArtifactBytes = 256 * 1024 * 1024;

/** Downloads, verifies and unpacks `url`; the caller owns the returned directory. */
export async function fetchArtifact(url: string, options: FetchArtifactOptions): Promise<FetchedArtifact> {
  const maxSizeBytes = options.maxSizeBytes ?? defaultMaxArtifactBytes;
  const archive = await downloadWithRetries(url, options, maxSizeBytes);
  const digest = verifyDigest(url, archive, options.digest);
  const dir = await mkdtemp(join(options.tempRoot ?? tmpdir(), options.tempPrefix ?? 'artifact-'));
  const cleanup = () => rm(dir, { recursive: true, force: true });
  try {
    let tar: Buffer;
    try {
      tar = await gunzipAsync(archive, { maxOutputLength: maxSizeBytes });
    } catch (error) {
      const tooBig = error instanceof RangeError || (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE';
      throw new ArtifactFetchError(
        tooBig
          ? `artifact from ${url} unpacks to more than ${maxSizeBytes} bytes`
          : `artifact from ${url} is not a gzip archive: ${(error as Error).message}`,
        { retryable: false },
      );
    }
    await untar(tar, dir, { maxTotalBytes: maxSizeBytes });
    return { dir, digest, cleanup };
  } catch (error) {
    await cleanup();
    if (error instanceof UnsafeArchiveError)
      throw new ArtifactFetchError(`artifact from ${url} was not unpacked: ${error.message}`, { retryable: false });
    throw error;
  }
}

/** Returns the computed digest; throws naming the URL and both digests when it differs from `expected`. */
export function verifyDigest(url: string, archive: Uint8Array, expected: string | undefined): string {
  const algorithm = expected ? expected.slice(0, expected.indexOf(':')) : 'sha256';
  if (!['sha256', 'sha384', 'sha512'].includes(algorithm)) {
    throw new ArtifactFetchError(
      `artifact digest "${expected}" for ${url} uses an unsupported algorithm "${algorithm}"`,
      { retryable: false },
    );
  }
  const actual = `${algorithm}:${createHash(algorithm).update(archive).digest('hex')}`;
  if (expected && actual !== expected) {
    throw new ArtifactFetchError(
      `failed to verify artifact from ${url}: computed digest ${actual} does not match the source's digest ${expected}`,
      {
        retryable: false,
      },
    );
  }
  return actual;
}

async function downloadWithRetries(url: string, options: FetchArtifactOptions, maxSizeBytes: number): Promise<Buffer> {
  const retries = options.retries ?? 2;
  let delayMs = options.retryDelayMs ?? 500;
  for (let attempt = 0; ; attempt++) {
    try {
      return await download(url, maxSizeBytes, options);
    } catch (error) {
      const fetchError =
        error instanceof ArtifactFetchError
          ? error
          : new ArtifactFetchError(`failed to download artifact from ${url}: ${describe(error)}`, {
              retryable: true,
              cause: error,
            });
      if (!fetchError.retryable || attempt >= retries || options.signal?.aborted) throw fetchError;
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      delayMs *= 2;
    }
  }
}

async function download(url: string, maxSizeBytes: number, options: FetchArtifactOptions): Promise<Buffer> {
  const signals = [AbortSignal.timeout(options.timeoutMs ?? 60_000), ...(options.signal ? [options.signal] : [])];
  const response = await fetch(url, { signal: AbortSignal.any(signals) });
  if (!response.ok) {
    await response.body?.cancel();
    // 5xx and 429 may pass; anything else (404: the source moved on and collected this artifact) will not
    const retryable = response.status >= 500 || response.status === 429;
    throw new ArtifactFetchError(
      `failed to download artifact from ${url}: HTTP ${response.status} ${response.statusText}`,
      { retryable },
    );
  }
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > maxSizeBytes) {
    await response.body?.cancel();
    throw new ArtifactFetchError(`artifact from ${url} is ${declared} bytes, more than the ${maxSizeBytes} allowed`, {
      retryable: false,
    });
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body ?? []) {
    size += chunk.byteLength;
    if (size > maxSizeBytes)
      throw new ArtifactFetchError(`artifact from ${url} is more than the ${maxSizeBytes} bytes allowed`, {
        retryable: false,
      });
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}
