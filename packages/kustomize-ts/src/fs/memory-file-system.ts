// A FileSystem held in memory: paths map to file contents, directories are implied by them.
import { posix } from 'node:path';
import type { FileKind, FileSystem } from './file-system.ts';

function notFound(path: string): Error {
  return Object.assign(new Error(`ENOENT: no such file or directory, '${path}'`), { code: 'ENOENT' });
}

/** Relative keys are taken from `/`: `{ 'app/kustomization.yaml': '...' }` is `/app/kustomization.yaml`. */
export function memoryFileSystem(files: Record<string, string | Uint8Array>): FileSystem {
  const contents = new Map<string, string | Uint8Array>();
  const directories = new Set<string>(['/']);
  for (const [name, text] of Object.entries(files)) {
    const path = posix.resolve('/', name);
    contents.set(path, text);
    for (let dir = posix.dirname(path); !directories.has(dir); dir = posix.dirname(dir)) directories.add(dir);
  }
  const kindOf = (path: string): FileKind | undefined => {
    const normalized = posix.resolve('/', path);
    if (contents.has(normalized)) return 'file';
    return directories.has(normalized) ? 'directory' : undefined;
  };
  return {
    async readFile(path) {
      const content = contents.get(posix.resolve('/', path));
      if (content === undefined) throw notFound(path);
      return typeof content === 'string' ? content : new TextDecoder().decode(content);
    },
    async readFileBytes(path) {
      const content = contents.get(posix.resolve('/', path));
      if (content === undefined) throw notFound(path);
      return typeof content === 'string' ? new TextEncoder().encode(content) : content;
    },
    kindOf: async (path) => kindOf(path),
    async readdir(path) {
      const dir = posix.resolve('/', path);
      if (!directories.has(dir)) throw notFound(path);
      const names = new Set<string>();
      for (const entry of [...contents.keys(), ...directories]) {
        if (entry !== dir && posix.dirname(entry) === dir) names.add(posix.basename(entry));
      }
      return [...names].sort();
    },
    async realpath(path) {
      if (kindOf(path) === undefined) throw notFound(path);
      return posix.resolve('/', path);
    },
  };
}
