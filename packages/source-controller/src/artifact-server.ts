// The HTTP server behind artifact URLs: streams regular files under the storage root, nothing else
// (no listings, no '..', no symlink leaving the root), with Content-Length and ETag = sha256 digest.
import { createHash } from 'node:crypto';
import { constants, createReadStream } from 'node:fs';
import { type FileHandle, open, realpath } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sep } from 'node:path';
import { pipeline } from 'node:stream/promises';

export interface ArtifactServerOptions {
  /** `--storage-path`. */
  storagePath: string;
  /** `--storage-addr`, e.g. `:9090` or `127.0.0.1:0`. */
  address: string;
}

export interface RunningArtifactServer {
  server: Server;
  /** `http://host:port` actually bound. */
  url: string;
  port: number;
  close(): Promise<void>;
}

export class ArtifactServerAddressError extends Error {
  readonly reason = 'InvalidStorageAddress';
  constructor(address: string) {
    super(`invalid --storage-addr '${address}': expected [host]:port`);
    this.name = 'ArtifactServerAddressError';
  }
}

export async function startArtifactServer(options: ArtifactServerOptions): Promise<RunningArtifactServer> {
  const { host, port } = parseListenAddress(options.address);
  const server = createServer(createArtifactHandler(options.storagePath));
  await new Promise<void>((resolveListen, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(port, host, () => {
      server.off('error', rejectListen);
      resolveListen();
    });
  });
  const bound = server.address() as AddressInfo;
  const urlHost = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
  return {
    server,
    url: `http://${urlHost}:${bound.port}`,
    port: bound.port,
    close: () =>
      new Promise<void>((resolveClose, rejectClose) => {
        server.close((error) => (error ? rejectClose(error) : resolveClose()));
        server.closeAllConnections();
      }),
  };
}

export function parseListenAddress(address: string): { host: string | undefined; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(address);
  if (!match) throw new ArtifactServerAddressError(address);
  const port = Number(match[3]);
  if (port > 65535) throw new ArtifactServerAddressError(address);
  const host = match[1] ?? match[2];
  return { host: host === '' ? undefined : host, port };
}

/** The request handler alone, to mount in another server. */
export function createArtifactHandler(
  storagePath: string,
): (request: IncomingMessage, response: ServerResponse) => void {
  const digests = new DigestCache();
  let storageRoot: Promise<string> | undefined;
  return (request, response) => {
    storageRoot ??= realpath(storagePath);
    serveArtifact(storageRoot, digests, request, response).catch(() => {
      if (!response.headersSent) sendStatus(response, 500);
      else response.destroy();
    });
  };
}

async function serveArtifact(
  storageRoot: Promise<string>,
  digests: DigestCache,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.setHeader('Allow', 'GET, HEAD');
    return sendStatus(response, 405);
  }
  const root = await storageRoot.catch(() => undefined);
  if (root === undefined) return sendStatus(response, 404);
  const segments = requestSegments(request.url ?? '/');
  if (!segments) return sendStatus(response, 404);
  const file = await openInsideRoot(root, segments);
  if (!file) return sendStatus(response, 404);
  try {
    const stats = await file.stat();
    if (!stats.isFile()) return sendStatus(response, 404);
    const etag = `"${await digests.digestOf(file, stats)}"`;
    response.setHeader('ETag', etag);
    response.setHeader('Last-Modified', stats.mtime.toUTCString());
    if (matchesEtag(request.headers['if-none-match'], etag)) {
      response.statusCode = 304;
      response.end();
      return;
    }
    response.statusCode = 200;
    response.setHeader('Content-Length', stats.size);
    response.setHeader('Content-Type', contentTypeFor(segments.at(-1)!));
    if (request.method === 'HEAD') {
      response.end();
      return;
    }
    await pipeline(createReadStream('', { fd: file, start: 0, autoClose: false }), response);
  } finally {
    await file.close().catch(() => undefined);
  }
}

// Decoded path segments, or undefined for anything that is not a plain relative file path.
function requestSegments(url: string): string[] | undefined {
  const pathname = url.split('?')[0]!.split('#')[0]!;
  const rawSegments = pathname.split('/').filter((segment) => segment !== '');
  if (rawSegments.length === 0) return undefined;
  const segments: string[] = [];
  for (const raw of rawSegments) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return undefined;
    }
    // Dot-files are temporary files of writes under way; '..' and encoded separators never name an artifact.
    if (segment.startsWith('.') || segment.includes('/') || segment.includes('\\') || segment.includes('\0'))
      return undefined;
    segments.push(segment);
  }
  return segments;
}

// Resolves symlinks (the `latest` link) and refuses any real path outside the root.
async function openInsideRoot(root: string, segments: string[]): Promise<FileHandle | undefined> {
  let real: string;
  try {
    real = await realpath([root, ...segments].join(sep));
  } catch {
    return undefined;
  }
  if (!real.startsWith(root + sep)) return undefined;
  try {
    return await open(real, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch {
    return undefined;
  }
}

function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((candidate) => {
    const value = candidate.trim().replace(/^W\//, '');
    return value === '*' || value === etag;
  });
}

function contentTypeFor(fileName: string): string {
  return /\.(tar\.gz|tgz|gz)$/.test(fileName) ? 'application/gzip' : 'application/octet-stream';
}

function sendStatus(response: ServerResponse, status: number): void {
  const body = `${status === 404 ? 'not found' : status === 405 ? 'method not allowed' : 'internal error'}\n`;
  response.statusCode = status;
  response.setHeader('Content-Type', 'text/plain; charset=utf-8');
  response.setHeader('Content-Length', Buffer.byteLength(body));
  response.end(body);
}

/** Artifacts are never rewritten in place (new content is a rename), so a digest holds per inode, size and mtime. */
class DigestCache {
  private readonly entries = new Map<string, string>();
  private readonly limit = 4096;

  async digestOf(
    file: FileHandle,
    stats: { ino: number; dev: number; size: number; mtimeMs: number },
  ): Promise<string> {
    const key = `${stats.dev}:${stats.ino}:${stats.size}:${stats.mtimeMs}`;
    const cached = this.entries.get(key);
    if (cached) return cached;
    const hash = createHash('sha256');
    await pipeline(createReadStream('', { fd: file, start: 0, autoClose: false }), hash);
    const digest = `sha256:${hash.digest('hex')}`;
    if (this.entries.size >= this.limit) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, digest);
    return digest;
  }
}
