// A FileSystem that reads the unpacked artifact from disk but sees a few files (the kustomization we rewrote) from memory.
import { posix } from 'node:path';
import type { FileKind, FileSystem } from '../fs/file-system.ts';

/** `overrides` maps absolute paths to contents; they shadow (or add to) what is on disk, which is never written. */
export function overlayFileSystem(base: FileSystem, overrides: ReadonlyMap<string, string>): FileSystem {
  const addedNames = new Map<string, Set<string>>();
  for (const path of overrides.keys()) {
    const dir = posix.dirname(path);
    if (!addedNames.has(dir)) addedNames.set(dir, new Set());
    addedNames.get(dir)?.add(posix.basename(path));
  }
  return {
    async readFile(path) {
      return overrides.get(path) ?? base.readFile(path);
    },
    async readFileBytes(path) {
      const text = overrides.get(path);
      return text === undefined ? base.readFileBytes(path) : new TextEncoder().encode(text);
    },
    async kindOf(path): Promise<FileKind | undefined> {
      return overrides.has(path) ? 'file' : base.kindOf(path);
    },
    async readdir(path) {
      const names = new Set(await base.readdir(path));
      for (const name of addedNames.get(path) ?? []) names.add(name);
      return [...names];
    },
    async realpath(path) {
      return overrides.has(path) ? path : base.realpath(path);
    },
  };
}
