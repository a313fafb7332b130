// The few file operations a build needs, so it can read from disk or from memory alike.
import { posix } from 'node:path';

export type FileKind = 'file' | 'directory';

/** Paths are absolute POSIX paths. */
export interface FileSystem {
  readFile(path: string): Promise<string>;
  /** The raw bytes, for generator files that may not be text. */
  readFileBytes(path: string): Promise<Uint8Array>;
  /** What is at the path after following symlinks, or undefined when nothing is. */
  kindOf(path: string): Promise<FileKind | undefined>;
  readdir(path: string): Promise<string[]>;
  /** The path with every symlink resolved; throws when it does not exist. */
  realpath(path: string): Promise<string>;
}

/** True when `child` is `parent` or below it. */
export function isWithin(parent: string, child: string): boolean {
  const relative = posix.relative(parent, child);
  return relative === '' || (!relative.startsWith('..') && !posix.isAbsolute(relative));
}
