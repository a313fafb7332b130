// Builds small tar.gz archives in memory for tests and benchmarks, including hostile ones (escaping paths, symlinks).
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';

export interface TarItem {
  path: string;
  /** File content; omit for a directory. */
  content?: string | Uint8Array;
  /** Tar type flag: '0' file (default), '5' directory, '2' symlink, 'x' PAX header. */
  type?: string;
  linkName?: string;
}

export function tarArchive(items: readonly TarItem[]): Buffer {
  const blocks: Buffer[] = [];
  for (const item of items) {
    const type = item.type ?? (item.content === undefined ? '5' : '0');
    const data = item.content === undefined ? Buffer.alloc(0) : Buffer.from(item.content);
    blocks.push(header(item.path, data.length, type, item.linkName ?? ''), data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

/** A tar.gz of `files` (path → content), as a source-controller artifact is. */
export function tarGz(files: Record<string, string> | readonly TarItem[]): Buffer {
  const items = Array.isArray(files) ? (files as TarItem[]) : Object.entries(files).sort(([a], [b]) => a.localeCompare(b)).map(([path, content]) => ({ path, content }));
  return gzipSync(tarArchive(items));
}

export function sha256Digest(data: Uint8Array): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

function header(name: string, size: number, type: string, linkName: string): Buffer {
  const block = Buffer.alloc(512);
  block.write(name, 0, 100, 'utf8');
  block.write('0000644\0', 100, 'ascii');
  block.write('0000000\0', 108, 'ascii');
  block.write('0000000\0', 116, 'ascii');
  block.write(`${size.toString(8).padStart(11, '0')}\0`, 124, 'ascii');
  block.write('00000000000\0', 136, 'ascii');
  block.write(type, 156, 'ascii');
  block.write(linkName, 157, 100, 'utf8');
  block.write('ustar\0', 257, 'ascii');
  block.write('00', 263, 'ascii');
  block.fill(32, 148, 156);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return block;
}
