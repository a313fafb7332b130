// Unpacks a (gunzipped) tar archive into a directory: regular files and directories only, nothing outside it.
import { mkdir, writeFile } from 'node:fs/promises';
import { posix, resolve, sep } from 'node:path';

const blockSize = 512;

/** An archive that must not be unpacked: a path that escapes, a malformed header, or too much data. */
export class UnsafeArchiveError extends Error {
  override readonly name = 'UnsafeArchiveError';
  readonly reason = 'ArtifactFailed';
}

export interface TarEntry {
  /** The normalized relative path, without a leading `./`. */
  path: string;
  type: 'file' | 'directory' | 'other';
  /** The tar type flag, for messages about what was left out. */
  typeFlag: string;
  data: Uint8Array;
}

export interface UntarResult {
  files: number;
  directories: number;
  /** Entries that are neither regular files nor directories (symlinks, devices, ...), left out. */
  skipped: string[];
}

/** Reads the entries of an uncompressed tar archive, following PAX and GNU long-name headers. */
export function* readTarEntries(archive: Uint8Array, maxTotalBytes: number): Generator<TarEntry> {
  let offset = 0;
  let total = 0;
  let longName: string | undefined;
  let paxPath: string | undefined;
  while (offset + blockSize <= archive.length) {
    const header = archive.subarray(offset, offset + blockSize);
    if (header.every((byte) => byte === 0)) return;
    verifyChecksum(header, offset);
    const size = parseSize(header.subarray(124, 136), offset);
    const typeFlag = String.fromCharCode(header[156] ?? 0);
    const dataStart = offset + blockSize;
    const dataEnd = dataStart + size;
    if (dataEnd > archive.length)
      throw new UnsafeArchiveError(`tar entry at byte ${offset} claims ${size} bytes, past the end of the archive`);
    total += size;
    if (total > maxTotalBytes)
      throw new UnsafeArchiveError(`the archive holds more than the ${maxTotalBytes} bytes allowed`);
    const data = archive.subarray(dataStart, dataEnd);
    offset = dataStart + Math.ceil(size / blockSize) * blockSize;

    if (typeFlag === 'x') {
      paxPath = parsePaxRecords(data).get('path') ?? paxPath;
      continue;
    }
    if (typeFlag === 'L') {
      longName = cString(data);
      continue;
    }
    if (typeFlag === 'g' || typeFlag === 'K') continue;

    const prefix = cString(header.subarray(345, 500));
    const shortName = cString(header.subarray(0, 100));
    const rawName = paxPath ?? longName ?? (prefix ? `${prefix}/${shortName}` : shortName);
    paxPath = undefined;
    longName = undefined;
    const path = normalizeEntryPath(rawName);
    const type =
      typeFlag === '0' || typeFlag === '\0' || typeFlag === '7' ? 'file' : typeFlag === '5' ? 'directory' : 'other';
    if (path === '') continue;
    yield { path, type, typeFlag, data };
  }
}

/** Writes the archive's files and directories below `destination`; any path that would land outside is an error. */
export async function untar(
  archive: Uint8Array,
  destination: string,
  options: { maxTotalBytes: number },
): Promise<UntarResult> {
  const root = resolve(destination);
  const result: UntarResult = { files: 0, directories: 0, skipped: [] };
  const made = new Set<string>([root]);
  const ensureDir = async (dir: string): Promise<void> => {
    if (made.has(dir)) return;
    await mkdir(dir, { recursive: true, mode: 0o755 });
    made.add(dir);
  };
  for (const entry of readTarEntries(archive, options.maxTotalBytes)) {
    const target = resolve(root, entry.path);
    if (!target.startsWith(root + sep))
      throw new UnsafeArchiveError(`tar entry "${entry.path}" would be written outside the extraction directory`);
    if (entry.type === 'directory') {
      await ensureDir(target);
      result.directories++;
    } else if (entry.type === 'file') {
      await ensureDir(resolve(target, '..'));
      // a regular file is written fresh; since no symlink is ever created, nothing can redirect the write
      await writeFile(target, entry.data, { mode: 0o644 });
      result.files++;
    } else {
      result.skipped.push(`${entry.path} (tar type '${entry.typeFlag}')`);
    }
  }
  return result;
}

/** `./a//b/` → `a/b`; absolute paths and `..` segments are refused rather than cleaned. */
export function normalizeEntryPath(name: string): string {
  if (name.startsWith('/') || /^[A-Za-z]:[\\/]/.test(name))
    throw new UnsafeArchiveError(`tar entry "${name}" has an absolute path`);
  if (name.includes('\\')) throw new UnsafeArchiveError(`tar entry "${name}" contains a backslash`);
  const segments = name.split('/').filter((segment) => segment !== '' && segment !== '.');
  if (segments.includes('..')) throw new UnsafeArchiveError(`tar entry "${name}" contains '..'`);
  return posix.join(...(segments.length > 0 ? segments : ['.'])).replace(/^\.$/, '');
}

function cString(bytes: Uint8Array): string {
  const end = bytes.indexOf(0);
  return Buffer.from(end === -1 ? bytes : bytes.subarray(0, end)).toString('utf8');
}

function parseSize(field: Uint8Array, offset: number): number {
  // base-256 (GNU) for sizes that do not fit 11 octal digits
  if ((field[0] ?? 0) & 0x80) {
    let value = 0;
    for (let index = 1; index < field.length; index++) value = value * 256 + (field[index] ?? 0);
    return value;
  }
  const text = cString(field).trim();
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text))
    throw new UnsafeArchiveError(`tar header at byte ${offset} has an invalid size "${text}"`);
  return Number.parseInt(text, 8);
}

function verifyChecksum(header: Uint8Array, offset: number): void {
  const stored = Number.parseInt(cString(header.subarray(148, 156)).trim(), 8);
  let sum = 0;
  for (let index = 0; index < blockSize; index++) sum += index >= 148 && index < 156 ? 32 : (header[index] ?? 0);
  if (stored !== sum)
    throw new UnsafeArchiveError(
      `tar header at byte ${offset} has a bad checksum: this is not a tar archive, or it is corrupt`,
    );
}

/** PAX records: `<length> <key>=<value>\n`, the length counting the whole record. */
function parsePaxRecords(data: Uint8Array): Map<string, string> {
  const records = new Map<string, string>();
  const text = Buffer.from(data);
  let position = 0;
  while (position < text.length) {
    const space = text.indexOf(0x20, position);
    if (space === -1) break;
    const length = Number.parseInt(text.subarray(position, space).toString('ascii'), 10);
    if (!Number.isFinite(length) || length <= 0) break;
    const record = text.subarray(space + 1, position + length - 1).toString('utf8');
    const equals = record.indexOf('=');
    if (equals > 0) records.set(record.slice(0, equals), record.slice(equals + 1));
    position += length;
  }
  return records;
}
