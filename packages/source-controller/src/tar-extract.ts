// Extracts a .tar.gz artifact (ours, or any ustar/PAX tarball) into a directory, streaming: regular files and
// directories only, nothing outside the destination, optionally only one sub-directory re-rooted (include fromPath).
import { createReadStream } from 'node:fs';
import { mkdir, open } from 'node:fs/promises';
import { join } from 'node:path';
import { createGunzip } from 'node:zlib';
import { tarBlockSize } from './tar-header.ts';

export interface ExtractOptions {
  /** Only entries under this directory of the archive, placed at the destination's root. */
  fromPath?: string;
  /** Refuse the archive once its files add up to more bytes than this (a gzip bomb). */
  maxBytes?: number;
  /** Refuse symlinks and hard links pointing outside the archive's root, instead of skipping them silently. */
  refuseEscapingLinks?: boolean;
  /** What messages call the archive (a URL) instead of its local path. */
  label?: string;
}

export class TarExtractError extends Error {
  readonly reason = 'ArtifactExtractionFailed';
  constructor(archive: string, detail: string) {
    super(`extracting '${archive}' failed: ${detail}`);
    this.name = 'TarExtractError';
  }
}

/** Returns how many files were written. */
export async function extractTarGz(
  archive: string,
  destination: string,
  options: ExtractOptions = {},
): Promise<number> {
  const prefix = normalizeArchivePath(options.fromPath ?? '');
  const label = options.label ?? archive;
  if (prefix === undefined) throw new TarExtractError(label, `fromPath '${options.fromPath}' leaves the archive`);
  let totalBytes = 0;
  const reader = new BlockReader(createReadStream(archive).pipe(createGunzip())[Symbol.asyncIterator]());
  await mkdir(destination, { recursive: true });
  let files = 0;
  let paxPath: string | undefined;
  try {
    for (;;) {
      if (await reader.atEnd()) break;
      const header = await reader.read(tarBlockSize);
      if (header.every((byte) => byte === 0)) break;
      const size = readSize(header);
      const typeflag = String.fromCharCode(header[156] ?? 0);
      if (typeflag === 'x') {
        paxPath = parsePaxPath((await reader.read(size + padding(size))).subarray(0, size)) ?? paxPath;
        continue;
      }
      const rawName = paxPath ?? ustarName(header);
      paxPath = undefined;
      const entryPath = normalizeArchivePath(rawName);
      const target = entryPath === undefined ? undefined : relocate(entryPath, prefix);
      if (entryPath === undefined) throw new TarExtractError(label, `entry '${rawName}' leaves the archive`);
      if ((typeflag === '1' || typeflag === '2') && options.refuseEscapingLinks) {
        const linkTarget = cString(header, 157, 100);
        if (linkEscapes(entryPath, linkTarget, typeflag === '1')) {
          throw new TarExtractError(label, `entry '${rawName}' links to '${linkTarget}', outside the archive`);
        }
      }
      if ((typeflag === '0' || typeflag === '\0') && target !== undefined && target !== '') {
        totalBytes += size;
        if (options.maxBytes !== undefined && totalBytes > options.maxBytes) {
          throw new TarExtractError(
            label,
            `it unpacks past the size limit of ${options.maxBytes} bytes (at '${rawName}')`,
          );
        }
        const path = join(destination, ...target.split('/'));
        await mkdir(join(path, '..'), { recursive: true });
        const mode = (readOctal(header, 100, 8) & 0o111) !== 0 ? 0o755 : 0o644;
        const file = await open(path, 'w', mode);
        try {
          for await (const chunk of reader.stream(size)) await file.write(chunk);
        } finally {
          await file.close();
        }
        await reader.skip(padding(size));
        files++;
        continue;
      }
      if (typeflag === '5' && target !== undefined)
        await mkdir(join(destination, ...target.split('/').filter(Boolean)), { recursive: true });
      // Anything else (links, devices, other directories' files) is skipped.
      await reader.skip(size + padding(size));
    }
  } catch (error) {
    if (error instanceof TarExtractError) throw error;
    throw new TarExtractError(label, error instanceof Error ? error.message : String(error));
  }
  return files;
}

// '' for the root; undefined for absolute paths or paths with '..'.
function normalizeArchivePath(path: string): string | undefined {
  const segments = path.split('/').filter((segment) => segment !== '' && segment !== '.');
  if (path.startsWith('/') || segments.includes('..')) return undefined;
  return segments.join('/');
}

// A hard link names a path from the root; a symlink a path from its own directory (or an absolute one).
function linkEscapes(entryPath: string, target: string, hardLink: boolean): boolean {
  if (target.startsWith('/')) return true;
  const base = hardLink ? [] : entryPath.split('/').slice(0, -1);
  for (const segment of target.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (base.length === 0) return true;
      base.pop();
    } else base.push(segment);
  }
  return false;
}

function relocate(entryPath: string, prefix: string): string | undefined {
  if (prefix === '') return entryPath;
  if (entryPath === prefix) return '';
  return entryPath.startsWith(`${prefix}/`) ? entryPath.slice(prefix.length + 1) : undefined;
}

function padding(size: number): number {
  const rest = size % tarBlockSize;
  return rest === 0 ? 0 : tarBlockSize - rest;
}

function ustarName(header: Buffer): string {
  const name = cString(header, 0, 100);
  const prefix = cString(header, 345, 155);
  return prefix ? `${prefix}/${name}` : name;
}

function cString(block: Buffer, offset: number, length: number): string {
  const field = block.subarray(offset, offset + length);
  const end = field.indexOf(0);
  return field.subarray(0, end === -1 ? length : end).toString('utf8');
}

function readOctal(block: Buffer, offset: number, length: number): number {
  const text = cString(block, offset, length).trim();
  return text === '' ? 0 : Number.parseInt(text, 8);
}

function readSize(header: Buffer): number {
  // GNU base-256 for sizes past 8 GiB.
  if (((header[124] ?? 0) & 0x80) !== 0) return Number(header.subarray(125, 136).readBigUInt64BE(3));
  return readOctal(header, 124, 12);
}

function parsePaxPath(data: Buffer): string | undefined {
  let path: string | undefined;
  let offset = 0;
  while (offset < data.length) {
    const space = data.indexOf(0x20, offset);
    if (space === -1) break;
    const length = Number(data.subarray(offset, space).toString('ascii'));
    if (!Number.isInteger(length) || length <= 0) break;
    const record = data.subarray(space + 1, offset + length - 1).toString('utf8');
    const equals = record.indexOf('=');
    if (record.slice(0, equals) === 'path') path = record.slice(equals + 1);
    offset += length;
  }
  return path;
}

/** Reads exact byte counts out of a stream of chunks of any size. */
class BlockReader {
  readonly #source: AsyncIterator<Buffer>;
  #pending: Buffer = Buffer.alloc(0);
  #ended = false;

  constructor(source: AsyncIterator<Buffer>) {
    this.#source = source;
  }

  /** True once the stream has no byte left. */
  async atEnd(): Promise<boolean> {
    while (this.#pending.length === 0 && !this.#ended) {
      const next = await this.#source.next();
      if (next.done) this.#ended = true;
      else this.#pending = next.value;
    }
    return this.#pending.length === 0;
  }

  /** Exactly `size` bytes; throws if the stream ends first. */
  async read(size: number): Promise<Buffer> {
    const parts: Buffer[] = [];
    for await (const chunk of this.stream(size)) parts.push(chunk);
    return Buffer.concat(parts);
  }

  async skip(size: number): Promise<void> {
    for await (const _chunk of this.stream(size)) {
      // discarded
    }
  }

  async *stream(size: number): AsyncGenerator<Buffer> {
    let remaining = size;
    while (remaining > 0) {
      if (this.#pending.length === 0) {
        if (this.#ended) throw new Error('unexpected end of archive');
        const next = await this.#source.next();
        if (next.done) {
          this.#ended = true;
          continue;
        }
        this.#pending = next.value;
      }
      const take = Math.min(remaining, this.#pending.length);
      yield this.#pending.subarray(0, take);
      this.#pending = this.#pending.subarray(take);
      remaining -= take;
    }
  }
}
