// Reads files and finds base directories relative to a kustomization, enforcing kustomize's load restrictions.
import { posix } from 'node:path';
import { KustomizeError } from './errors.ts';
import { isWithin, type FileSystem } from './fs/file-system.ts';

export type LoadRestrictor = 'rootOnly' | 'none';

export type LoaderSettings = {
  fs: FileSystem;
  loadRestrictor: LoadRestrictor;
  /** Nothing outside this directory may be read, even through a symlink. */
  boundary?: string;
  allowRemoteBases: boolean;
};

const REMOTE =
  /^(?:[a-z][a-z0-9+.-]*:\/\/|git@|github\.com\/|gitlab\.com\/|bitbucket\.org\/)|\?ref=|\/\/.*\?|\.git(?:\/|$)/i;

export function isRemotePath(path: string): boolean {
  return REMOTE.test(path);
}

/** A loader rooted at one kustomization directory; child loaders remember the chain to detect cycles. */
export class Loader {
  readonly root: string;
  readonly settings: LoaderSettings;
  private readonly visitedRoots: string[];

  private constructor(root: string, settings: LoaderSettings, visitedRoots: string[]) {
    this.root = root;
    this.settings = settings;
    this.visitedRoots = visitedRoots;
  }

  /** The loader for the directory a build starts at. */
  static async forDirectory(dir: string, settings: LoaderSettings): Promise<Loader> {
    const absolute = posix.resolve(dir);
    const kind = await settings.fs.kindOf(absolute);
    if (kind !== 'directory') {
      throw new KustomizeError(`must build at directory: not a valid directory: '${absolute}'`, absolute);
    }
    const real = await settings.fs.realpath(absolute);
    const boundary =
      settings.boundary === undefined ? undefined : await settings.fs.realpath(posix.resolve(settings.boundary));
    const checked = { ...settings, boundary };
    assertInsideBoundary(real, checked);
    return new Loader(real, checked, [real]);
  }

  get fs(): FileSystem {
    return this.settings.fs;
  }

  private async realpathOrFail(absolute: string, context: string): Promise<string> {
    try {
      return await this.fs.realpath(absolute);
    } catch {
      throw new KustomizeError(
        `${context}evalsymlink failure on '${absolute}' : lstat ${absolute}: no such file or directory`,
        absolute,
      );
    }
  }

  /** Absolute path of a file named relative to this root, after symlinks, checked against the restrictions. */
  async resolveFile(path: string): Promise<string> {
    assertNotRemote(path, this.settings);
    const absolute = posix.resolve(this.root, path);
    const real = await this.realpathOrFail(absolute, '');
    if ((await this.fs.kindOf(real)) !== 'file') {
      throw new KustomizeError(`'${absolute}' must resolve to a file`, absolute);
    }
    if (this.settings.loadRestrictor === 'rootOnly' && !isWithin(this.root, real)) {
      throw new KustomizeError(`security; file '${real}' is not in or below '${this.root}'`, real);
    }
    assertInsideBoundary(real, this.settings);
    return real;
  }

  /** Reads a file named relative to this root. */
  async readFile(path: string): Promise<{ path: string; text: string }> {
    const real = await this.resolveFile(path);
    return { path: real, text: await this.fs.readFile(real) };
  }

  /** Reads a file's bytes, named relative to this root. */
  async readFileBytes(path: string): Promise<{ path: string; bytes: Uint8Array }> {
    const real = await this.resolveFile(path);
    return { path: real, bytes: await this.fs.readFileBytes(real) };
  }

  /** True when a file exists at the path relative to this root (no restriction checks). */
  async hasFile(name: string): Promise<boolean> {
    return (await this.fs.kindOf(posix.join(this.root, name))) === 'file';
  }

  /** The loader for a base or component directory named relative to this root. */
  async child(path: string): Promise<Loader> {
    assertNotRemote(path, this.settings);
    const absolute = posix.resolve(this.root, path);
    const real = await this.realpathOrFail(absolute, 'must build at directory: not a valid directory: ');
    if ((await this.fs.kindOf(real)) !== 'directory') {
      throw new KustomizeError(`must build at directory: '${real}': file is not directory`, real);
    }
    assertInsideBoundary(real, this.settings);
    for (const visited of this.visitedRoots) {
      if (isWithin(real, visited)) {
        throw new KustomizeError(`cycle detected: candidate root '${real}' contains visited root '${visited}'`, real);
      }
    }
    return new Loader(real, this.settings, [...this.visitedRoots, real]);
  }
}

function assertNotRemote(path: string, settings: LoaderSettings): void {
  if (!isRemotePath(path)) return;
  if (!settings.allowRemoteBases) {
    throw new KustomizeError(`remote bases are not allowed: '${path}' (set allowRemoteBases to fetch it)`, path);
  }
  throw new KustomizeError(`not supported: remote resource '${path}' (kustomize-ts cannot fetch remote bases)`, path);
}

function assertInsideBoundary(real: string, settings: LoaderSettings): void {
  if (settings.boundary !== undefined && !isWithin(settings.boundary, real)) {
    throw new KustomizeError(`security; path '${real}' is not in or below the root '${settings.boundary}'`, real);
  }
}
