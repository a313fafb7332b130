// POSIX ustar headers (with PAX records for long or non-ASCII names and huge sizes), normalized for reproducibility.

export const tarBlockSize = 512;

export interface TarEntry {
  /** Relative path with '/' separators; directories without the trailing slash. */
  path: string;
  type: 'file' | 'directory';
  /** 0 for directories. */
  size: number;
  executable: boolean;
}

const maxOctalSize = 0o77777777777;
// Name used for PAX extended headers; any fixed value keeps archives reproducible.
const paxHeaderName = '././@PaxHeader';

/** The header block(s) announcing an entry: a PAX header first when ustar cannot hold the name or size. */
export function encodeEntryHeader(entry: TarEntry): Buffer {
  const name = entry.type === 'directory' ? `${entry.path}/` : entry.path;
  const mode = entry.type === 'directory' || entry.executable ? 0o755 : 0o644;
  const typeflag = entry.type === 'directory' ? '5' : '0';
  const split = splitUstarName(name);
  const paxRecords: Array<[string, string]> = [];
  if (!split) paxRecords.push(['path', name]);
  if (entry.size > maxOctalSize) paxRecords.push(['size', String(entry.size)]);
  const header = encodeUstarBlock({
    name: split?.name ?? asciiFallbackName(name, 100),
    prefix: split?.prefix ?? '',
    mode,
    size: entry.size > maxOctalSize ? 0 : entry.size,
    typeflag,
  });
  if (paxRecords.length === 0) return header;
  const paxData = encodePaxRecords(paxRecords);
  const paxHeader = encodeUstarBlock({
    name: paxHeaderName,
    prefix: '',
    mode: 0o644,
    size: paxData.length,
    typeflag: 'x',
  });
  return Buffer.concat([paxHeader, paxData, Buffer.alloc(paddingFor(paxData.length)), header]);
}

/** Zero bytes that complete a file's content to a whole block. */
export function paddingFor(size: number): number {
  const rest = size % tarBlockSize;
  return rest === 0 ? 0 : tarBlockSize - rest;
}

/** Two zero blocks end an archive. */
export function endOfArchive(): Buffer {
  return Buffer.alloc(tarBlockSize * 2);
}

interface UstarFields {
  name: string;
  prefix: string;
  mode: number;
  size: number;
  typeflag: string;
}

function encodeUstarBlock(fields: UstarFields): Buffer {
  const block = Buffer.alloc(tarBlockSize);
  block.write(fields.name, 0, 100, 'utf8');
  writeOctal(block, 100, 8, fields.mode);
  writeOctal(block, 108, 8, 0); // uid
  writeOctal(block, 116, 8, 0); // gid
  writeOctal(block, 124, 12, fields.size);
  writeOctal(block, 136, 12, 0); // mtime
  block.write(fields.typeflag, 156, 1, 'ascii');
  block.write('ustar\0', 257, 6, 'ascii');
  block.write('00', 263, 2, 'ascii');
  // uname and gname stay empty
  writeOctal(block, 329, 8, 0); // devmajor
  writeOctal(block, 337, 8, 0); // devminor
  block.write(fields.prefix, 345, 155, 'utf8');
  // The checksum is computed with its own field read as eight spaces.
  block.fill(0x20, 148, 156);
  let checksum = 0;
  for (const byte of block) checksum += byte;
  block.write(`${checksum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'ascii');
  return block;
}

function writeOctal(block: Buffer, offset: number, length: number, value: number): void {
  block.write(`${value.toString(8).padStart(length - 1, '0')}\0`, offset, length, 'ascii');
}

// ustar holds names up to 100 bytes, or 256 when split at a '/' into a 155-byte prefix and a 100-byte name.
function splitUstarName(name: string): { name: string; prefix: string } | undefined {
  if (!/^[\x20-\x7e]*$/.test(name)) return undefined;
  if (name.length <= 100) return { name, prefix: '' };
  if (name.length > 256) return undefined;
  for (let slash = name.indexOf('/'); slash !== -1; slash = name.indexOf('/', slash + 1)) {
    const prefix = name.slice(0, slash);
    const rest = name.slice(slash + 1);
    if (prefix.length <= 155 && rest.length <= 100 && rest.length > 0) return { name: rest, prefix };
  }
  return undefined;
}

// The ustar name under a PAX path record is only a fallback for old readers: keep it ASCII and within the field.
function asciiFallbackName(text: string, maxBytes: number): string {
  return text.replace(/[^\x20-\x7e]/g, '_').slice(-maxBytes);
}

// Each record is "<length> <key>=<value>\n" where the length counts the whole record, itself included.
function encodePaxRecords(records: Array<[string, string]>): Buffer {
  const lines = records.map(([key, value]) => {
    const body = ` ${key}=${value}\n`;
    const bodyLength = Buffer.byteLength(body, 'utf8');
    let length = bodyLength + String(bodyLength).length;
    if (String(length).length !== String(length - bodyLength).length) length = bodyLength + String(length).length;
    return `${length}${body}`;
  });
  return Buffer.from(lines.join(''), 'utf8');
}
