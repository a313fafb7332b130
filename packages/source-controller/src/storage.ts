// The artifact store: `<storage-path>/<kind>/<namespace>/<name>/<file>`, atomic writes, a `latest` link,
// Flux's retention (records and TTL) and removal of an object's artifacts.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { lstat, mkdir, readdir, rename, rm, symlink, unlink } from 'node:fs/promises';
import { isAbsolute, join, posix, relative, resolve } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { archiveDirectory, type ArchiveExclude } from './archive.ts';
import type { Artifact as StatusArtifact } from '@fluxion/api';
import { StorageError } from './storage-error.ts';

/**
 * `status.artifact` as the CRD defines it, with every field this store always fills required:
 * `path` is relative to the storage root (`gitrepository/<namespace>/<name>/<file>`), `lastUpdateTime` RFC 3339.
 */
export type Artifact = Required<
  Pick<StatusArtifact, 'path' | 'url' | 'revision' | 'digest' | 'lastUpdateTime' | 'size'>
>;

/** The object an artifact belongs to; `kind` is lowercased in paths (`GitRepository` → `gitrepository`). */
export interface ArtifactOwner {
  kind: string;
  namespace: string;
  name: string;
}

export interface ArtifactStorageOptions {
  /** `--storage-path`. */
  basePath: string;
  /** `--storage-adv-addr`: host[:port] (or a full http(s) URL) put in front of artifact paths. */
  advertisedAddress: string;
  /** `--artifact-retention-records`, default 2. */
  retentionRecords?: number;
  /** `--artifact-retention-ttl` in milliseconds, default 60 s. */
  retentionTtlMs?: number;
  /** Clock, for tests. */
  now?: () => Date;
}

export const latestArtifactLinkName = 'latest.tar.gz';
// Temporary files are dot-files beside the artifact, so a rename publishes them atomically on the same volume.
const temporaryPrefix = '.';

export class ArtifactStorage {
  readonly basePath: string;
  readonly advertisedAddress: string;
  readonly retentionRecords: number;
  readonly retentionTtlMs: number;
  private readonly now: () => Date;
  /**
   * Per object's artifact directory, `<path> <digest>` of the newest file this process wrote or verified there: each
   * is hashed at most once per process, and the map holds one entry per object, however many revisions pass.
   */
  readonly #intact = new Map<string, string>();

  constructor(options: ArtifactStorageOptions) {
    this.basePath = resolve(options.basePath);
    this.advertisedAddress = options.advertisedAddress.replace(/\/+$/, '');
    this.retentionRecords = options.retentionRecords ?? 2;
    this.retentionTtlMs = options.retentionTtlMs ?? 60_000;
    this.now = options.now ?? (() => new Date());
  }

  /** Creates the storage root, failing with a clear message if it cannot be written. */
  async ensureBasePath(): Promise<void> {
    await mkdir(this.basePath, { recursive: true }).catch((error: unknown) => {
      throw new StorageError('creating storage directory', this.basePath, error);
    });
  }

  artifactDirectory(owner: ArtifactOwner): string {
    return [owner.kind.toLowerCase(), owner.namespace, owner.name]
      .map((segment) => checkSegment(segment, 'owner'))
      .join('/');
  }

  artifactPath(owner: ArtifactOwner, fileName: string): string {
    return `${this.artifactDirectory(owner)}/${checkSegment(fileName, 'file name')}`;
  }

  /** The file behind a storage-relative path; throws rather than resolve outside the storage root. */
  localPath(artifactPath: string): string {
    const local = resolve(this.basePath, ...artifactPath.split('/'));
    const fromRoot = relative(this.basePath, local);
    if (fromRoot === '' || fromRoot.startsWith('..') || isAbsolute(fromRoot)) {
      throw new StorageError('resolving artifact path', artifactPath, new Error('path escapes the storage root'));
    }
    return local;
  }

  artifactUrl(artifactPath: string): string {
    const base = /^https?:\/\//.test(this.advertisedAddress)
      ? this.advertisedAddress
      : `http://${this.advertisedAddress}`;
    return `${base}/${artifactPath.replace(/^\/+/, '')}`;
  }

  /** Archives a checkout as `<hash-or-name>.tar.gz` for `revision` and returns the artifact to record in status. */
  async archive(
    owner: ArtifactOwner,
    revision: string,
    sourceDir: string,
    options: { fileName: string; exclude?: ArchiveExclude },
  ): Promise<Artifact> {
    const path = this.artifactPath(owner, options.fileName);
    const local = this.localPath(path);
    await this.makeDirectory(owner);
    const { digest, size } = await archiveDirectory(
      sourceDir,
      local,
      options.exclude ? { exclude: options.exclude } : {},
    );
    return this.describe(path, revision, digest, size);
  }

  /** Stores a stream (a chart, an OCI layer, ...) atomically and returns its artifact. */
  async write(
    owner: ArtifactOwner,
    revision: string,
    fileName: string,
    content: Readable | AsyncIterable<Uint8Array>,
  ): Promise<Artifact> {
    const path = this.artifactPath(owner, fileName);
    const local = this.localPath(path);
    await this.makeDirectory(owner);
    const temporary = join(local, '..', `${temporaryPrefix}${fileName}.${randomBytes(6).toString('hex')}.tmp`);
    const hash = createHash('sha256');
    let size = 0;
    const measure = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        hash.update(chunk);
        size += chunk.length;
        callback(null, chunk);
      },
    });
    try {
      await pipeline(Readable.from(content), measure, createWriteStream(temporary, { flags: 'wx', mode: 0o644 }));
      await rename(temporary, local);
    } catch (error) {
      await rm(temporary, { force: true }).catch(() => undefined);
      throw new StorageError('writing artifact', local, error);
    }
    return this.describe(path, revision, `sha256:${hash.digest('hex')}`, size);
  }

  /** Whether the artifact's file is present as a regular file (a status may outlive a lost volume). */
  async exists(artifact: Pick<Artifact, 'path'>): Promise<boolean> {
    try {
      return (await lstat(this.localPath(artifact.path))).isFile();
    } catch {
      return false;
    }
  }

  /** Whether the stored file still has the recorded digest. */
  async verify(artifact: Pick<Artifact, 'path' | 'digest'>): Promise<boolean> {
    const [algorithm, expected] = artifact.digest.split(':');
    if (algorithm !== 'sha256' || !expected) return false;
    const hash = createHash('sha256');
    try {
      await pipeline(createReadStream(this.localPath(artifact.path)), hash);
    } catch {
      return false;
    }
    return hash.digest('hex') === expected;
  }

  /**
   * False only when the artifact's file is there and its content does not have the recorded digest (a write torn by
   * a crash, a changed file). Checked once per file and process: what this process wrote is known to be whole.
   */
  async intact(artifact: Pick<Artifact, 'path' | 'digest'>): Promise<boolean> {
    const key = `${artifact.path} ${artifact.digest}`;
    if (this.#intact.get(posix.dirname(artifact.path)) === key || !(await this.exists(artifact))) return true;
    if (!(await this.verify(artifact))) return false;
    this.#intact.set(posix.dirname(artifact.path), key);
    return true;
  }

  /** Removes one artifact's file. */
  async remove(artifact: Pick<Artifact, 'path'>): Promise<void> {
    const local = this.localPath(artifact.path);
    await rm(local, { force: true }).catch((error: unknown) => {
      throw new StorageError('removing artifact', local, error);
    });
  }

  /** Points `<dir>/latest.tar.gz` at the artifact (relative link, swapped atomically) and returns its URL. */
  async linkLatest(artifact: Pick<Artifact, 'path'>, linkName = latestArtifactLinkName): Promise<string> {
    const local = this.localPath(artifact.path);
    const directory = posix.dirname(artifact.path);
    const link = this.localPath(`${directory}/${checkSegment(linkName, 'link name')}`);
    const temporary = `${link}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await symlink(posix.basename(local), temporary);
      await rename(temporary, link);
    } catch (error) {
      await unlink(temporary).catch(() => undefined);
      throw new StorageError('linking latest artifact', link, error);
    }
    return this.artifactUrl(`${directory}/${linkName}`);
  }

  /**
   * Flux's retention: besides the current artifact, a file goes when it is older than the TTL, or when more than
   * `retentionRecords` files would otherwise remain (oldest first). Returns the deleted paths.
   */
  async collectGarbage(current: Pick<Artifact, 'path'>): Promise<string[]> {
    const currentLocal = this.localPath(current.path);
    const directory = join(currentLocal, '..');
    const now = this.now().getTime();
    const files: Array<{ path: string; modified: number; temporary: boolean }> = [];
    let entries;
    try {
      entries = await readdir(directory, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new StorageError('listing artifacts in', directory, error);
    }
    for (const entry of entries) {
      if (!entry.isFile()) continue; // the latest link and any directory stay
      const path = join(directory, entry.name);
      const stats = await lstat(path).catch(() => undefined);
      if (stats) files.push({ path, modified: stats.mtimeMs, temporary: entry.name.startsWith(temporaryPrefix) });
    }
    const expired = (file: { modified: number }) => now - file.modified > this.retentionTtlMs;
    const garbage = new Set<string>();
    // Temporary files of an interrupted write only go once they are stale: a write may be under way.
    for (const file of files) if (file.temporary && expired(file)) garbage.add(file.path);
    const artifacts = files.filter((file) => !file.temporary).sort((a, b) => a.modified - b.modified);
    for (const file of artifacts) if (file.path !== currentLocal && expired(file)) garbage.add(file.path);
    let remaining = artifacts.filter((file) => !garbage.has(file.path)).length;
    for (const file of artifacts) {
      if (remaining <= this.retentionRecords) break;
      if (file.path === currentLocal || garbage.has(file.path)) continue;
      garbage.add(file.path);
      remaining--;
    }
    const deleted: string[] = [];
    for (const path of garbage) {
      try {
        await rm(path, { force: true });
        deleted.push(path);
      } catch (error) {
        throw new StorageError('deleting old artifact', path, error);
      }
    }
    return deleted;
  }

  /** Removes every artifact of an object (on deletion); returns the directory removed, if there was one. */
  async removeAll(owner: ArtifactOwner): Promise<string | undefined> {
    this.#intact.delete(this.artifactDirectory(owner));
    const directory = this.localPath(this.artifactDirectory(owner));
    const existed = await lstat(directory).then(
      () => true,
      () => false,
    );
    try {
      await rm(directory, { recursive: true, force: true });
    } catch (error) {
      throw new StorageError('removing artifacts in', directory, error);
    }
    return existed ? directory : undefined;
  }

  private async makeDirectory(owner: ArtifactOwner): Promise<void> {
    const directory = this.localPath(this.artifactDirectory(owner));
    await mkdir(directory, { recursive: true }).catch((error: unknown) => {
      throw new StorageError('creating artifact directory', directory, error);
    });
  }

  private describe(path: string, revision: string, digest: string, size: number): Artifact {
    this.#intact.set(posix.dirname(path), `${path} ${digest}`);
    return {
      path,
      url: this.artifactUrl(path),
      revision,
      digest,
      lastUpdateTime: this.now()
        .toISOString()
        .replace(/\.\d{3}Z$/, 'Z'),
      size,
    };
  }
}

// Names become path segments: one segment each, never '.', '..' or empty.
function checkSegment(segment: string, what: string): string {
  if (segment === '' || segment === '.' || segment === '..' || /[/\\\0]/.test(segment)) {
    throw new StorageError(`building artifact path from ${what}`, segment, new Error('not a single path segment'));
  }
  return segment;
}
