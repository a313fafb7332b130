// The FileSystem over the real disk.
import { readFile, readdir, realpath, stat } from 'node:fs/promises';
import type { FileKind, FileSystem } from './file-system.ts';

export function diskFileSystem(): FileSystem {
  return {
    readFile: (path) => readFile(path, 'utf8'),
    readFileBytes: async (path) => new Uint8Array(await readFile(path)),
    async kindOf(path): Promise<FileKind | undefined> {
      try {
        const info = await stat(path);
        if (info.isDirectory()) return 'directory';
        return info.isFile() ? 'file' : undefined;
      } catch {
        return undefined;
      }
    },
    readdir: (path) => readdir(path),
    realpath: (path) => realpath(path),
  };
}
