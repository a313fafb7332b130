// A reproducible tar.gz of a directory, streamed to a file: sorted entries, no owners, zero mtimes, normalized
// modes, regular files and directories only, `.git` left out; equal content gives an equal sha256 anywhere.
import { createHash, randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { type FileHandle, lstat, open, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ReproducibleGzipWriter } from './reproducible-gzip.ts';
import { compareNames } from './source-ignore.ts';
import { StorageError } from './storage-error.ts';
import { encodeEntryHeader, endOfArchive, paddingFor, type TarEntry } from './tar-header.ts';

/** Returns true to leave a path out; directories left out are not descended into. */
export type ArchiveExclude = (relativePath: string, isDirectory: boolean) => boolean;

export interface ArchiveOptions {
  exclude?: ArchiveExclude;
  compressionLevel?: 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;
}

export interface ArchiveResult {
  /** `sha256:<hex>` of the .tar.gz file. */
  digest: string;
  /** Bytes of the .tar.gz file. */
  size: number;
}

const readChunkSize = 256 * 1024;

/**
 * Archives `sourceDir` into `destinationFile`, written beside it under a temporary name and renamed into place,
 * so readers never see a partial archive. Symlinks are skipped, as Flux does: following one could leave the checkout.
 */
export async function archiveDirectory(
  sourceDir: string,
  destinationFile: string,
  options: ArchiveOptions = {},
): Promise<ArchiveResult> {
  const sourceStat = await lstat(sourceDir).catch((error: unknown) => {
    throw new StorageError('archiving directory', sourceDir, error);
  });
  if (!sourceStat.isDirectory()) throw new StorageError('archiving directory', sourceDir, new Error('not a directory'));

  const temporaryFile = join(
    dirname(destinationFile),
    `.${basename(destinationFile)}.${randomBytes(6).toString('hex')}.tmp`,
  );
  let output: FileHandle | undefined;
  try {
    output = await open(temporaryFile, 'wx', 0o644);
    const file = output;
    const hash = createHash('sha256');
    let size = 0;
    const gzip = new ReproducibleGzipWriter(async (chunk) => {
      hash.update(chunk);
      size += chunk.length;
      await file.write(chunk);
    }, options.compressionLevel ?? 6);
    for await (const entry of walkTree(sourceDir, options.exclude)) {
      await gzip.write(encodeEntryHeader(entry));
      if (entry.type === 'file') await copyFileContent(join(sourceDir, entry.path), entry.size, gzip);
    }
    await gzip.write(endOfArchive());
    await gzip.end();
    // No fsync, as Flux: a file torn by a crash fails its digest check at the next reconcile and is rebuilt.
    await file.close();
    output = undefined;
    await rename(temporaryFile, destinationFile);
    return { digest: `sha256:${hash.digest('hex')}`, size };
  } catch (error) {
    await output?.close().catch(() => undefined);
    await rm(temporaryFile, { force: true }).catch(() => undefined);
    if (error instanceof StorageError) throw error;
    throw new StorageError(`archiving '${sourceDir}' to`, destinationFile, error);
  }
}

/** Depth-first, names in byte order, a directory before its content; one directory listing in memory at a time. */
async function* walkTree(
  root: string,
  exclude: ArchiveExclude | undefined,
  relativeDir = '',
): AsyncGenerator<TarEntry> {
  const entries = await readdir(join(root, relativeDir), { withFileTypes: true });
  entries.sort((a, b) => compareNames(a.name, b.name));
  for (const entry of entries) {
    if (entry.name === '.git') continue;
    const path = relativeDir === '' ? entry.name : `${relativeDir}/${entry.name}`;
    if (entry.isDirectory()) {
      if (exclude?.(path, true)) continue;
      yield { path, type: 'directory', size: 0, executable: true };
      yield* walkTree(root, exclude, path);
    } else if (entry.isFile()) {
      if (exclude?.(path, false)) continue;
      const stat = await lstat(join(root, path));
      yield { path, type: 'file', size: stat.size, executable: (stat.mode & 0o111) !== 0 };
    }
    // symlinks, sockets, FIFOs and devices are left out
  }
}

async function copyFileContent(path: string, size: number, gzip: ReproducibleGzipWriter): Promise<void> {
  // O_NOFOLLOW: a file swapped for a symlink after the walk saw it must not be followed out of the tree.
  const file = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    let position = 0;
    while (position < size) {
      const buffer = Buffer.allocUnsafe(Math.min(readChunkSize, size - position));
      const { bytesRead } = await file.read(buffer, 0, buffer.length, position);
      if (bytesRead === 0)
        throw new Error(`'${path}' shrank while it was archived (expected ${size} bytes, read ${position})`);
      await gzip.write(buffer.subarray(0, bytesRead));
      position += bytesRead;
    }
  } finally {
    await file.close();
  }
  const padding = paddingFor(size);
  if (padding > 0) await gzip.write(Buffer.alloc(padding));
}
