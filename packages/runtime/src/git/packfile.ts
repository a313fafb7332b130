// Reads a git packfile (version 2) from a buffer: every object inflated, deltas (by offset or by id) applied, and
// each object keyed by its SHA-1 id, so that a commit's tree can be walked without a repository on disk.
import { createHash } from 'node:crypto';
import { inflateSync } from 'node:zlib';

export type GitObjectType = 'commit' | 'tree' | 'blob' | 'tag';

export interface GitObject {
  type: GitObjectType;
  data: Buffer;
}

export class PackfileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PackfileError';
  }
}

const typeNames: Record<number, GitObjectType> = { 1: 'commit', 2: 'tree', 3: 'blob', 4: 'tag' };
const ofsDelta = 6;
const refDelta = 7;

interface PendingDelta {
  offset: number;
  base: { offset: number } | { id: string };
  delta: Buffer;
}

/** All objects of the pack by id. Throws a PackfileError on a truncated or malformed pack or a missing delta base. */
export function readPackfile(pack: Buffer): Map<string, GitObject> {
  if (pack.length < 12 || pack.toString('latin1', 0, 4) !== 'PACK')
    throw new PackfileError('not a packfile (no PACK signature)');
  const version = pack.readUInt32BE(4);
  if (version !== 2 && version !== 3) throw new PackfileError(`unsupported packfile version ${version}`);
  const count = pack.readUInt32BE(8);
  const byOffset = new Map<number, GitObject>();
  const byId = new Map<string, GitObject>();
  const deltas: PendingDelta[] = [];
  let position = 12;
  for (let index = 0; index < count; index++) {
    const start = position;
    if (position >= pack.length) throw new PackfileError(`packfile ends after ${index} of ${count} objects`);
    let byte = pack[position++]!;
    const type = (byte >> 4) & 7;
    let size = byte & 15;
    let shift = 4;
    while (byte & 0x80) {
      byte = pack[position++]!;
      size += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    }
    let base: PendingDelta['base'] | undefined;
    if (type === ofsDelta) {
      byte = pack[position++]!;
      let distance = byte & 0x7f;
      while (byte & 0x80) {
        byte = pack[position++]!;
        distance = (distance + 1) * 128 + (byte & 0x7f);
      }
      base = { offset: start - distance };
    } else if (type === refDelta) {
      base = { id: pack.toString('hex', position, position + 20) };
      position += 20;
    } else if (!typeNames[type]) {
      throw new PackfileError(`unknown object type ${type} at byte ${start} of the packfile`);
    }
    const { data, consumed } = inflateAt(pack, position, size, start);
    position += consumed;
    if (base) deltas.push({ offset: start, base, delta: data });
    else {
      const object = { type: typeNames[type]!, data };
      byOffset.set(start, object);
      byId.set(objectId(object), object);
    }
  }
  // A delta's base may itself be a delta: resolve until no progress is made.
  let pending = deltas;
  while (pending.length > 0) {
    const next: PendingDelta[] = [];
    for (const delta of pending) {
      const baseObject = 'offset' in delta.base ? byOffset.get(delta.base.offset) : byId.get(delta.base.id);
      if (!baseObject) {
        next.push(delta);
        continue;
      }
      const object = { type: baseObject.type, data: applyDelta(baseObject.data, delta.delta) };
      byOffset.set(delta.offset, object);
      byId.set(objectId(object), object);
    }
    if (next.length === pending.length)
      throw new PackfileError(`${next.length} deltas in the packfile have no base object in it`);
    pending = next;
  }
  return byId;
}

/** The SHA-1 id git gives an object: the hash of "<type> <size>\0" and its content. */
export function objectId(object: GitObject): string {
  return createHash('sha1').update(`${object.type} ${object.data.length}\0`).update(object.data).digest('hex');
}

function inflateAt(pack: Buffer, position: number, size: number, start: number): { data: Buffer; consumed: number } {
  let result: { buffer: Buffer; engine: { bytesWritten: number } };
  try {
    // info: the engine tells how many compressed bytes the object took; the next object starts right after.
    result = inflateSync(pack.subarray(position), { info: true, maxOutputLength: Math.max(size, 1) }) as unknown as {
      buffer: Buffer;
      engine: { bytesWritten: number };
    };
  } catch (error) {
    throw new PackfileError(
      `cannot inflate the object at byte ${start} of the packfile: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (result.buffer.length !== size)
    throw new PackfileError(`the object at byte ${start} has ${result.buffer.length} bytes, its header says ${size}`);
  return { data: result.buffer, consumed: result.engine.bytesWritten };
}

/** Applies a git delta (source size, target size, then copy and insert instructions) to its base. */
export function applyDelta(base: Buffer, delta: Buffer): Buffer {
  let position = 0;
  const readSize = () => {
    let value = 0;
    let shift = 0;
    let byte;
    do {
      byte = delta[position++]!;
      value += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    } while (byte & 0x80);
    return value;
  };
  const sourceSize = readSize();
  if (sourceSize !== base.length)
    throw new PackfileError(`delta expects a base of ${sourceSize} bytes, the base has ${base.length}`);
  const target = Buffer.allocUnsafe(readSize());
  let written = 0;
  while (position < delta.length) {
    const instruction = delta[position++]!;
    if (instruction & 0x80) {
      let offset = 0;
      let length = 0;
      for (let bit = 0; bit < 4; bit++) if (instruction & (1 << bit)) offset += delta[position++]! * 2 ** (8 * bit);
      for (let bit = 0; bit < 3; bit++)
        if (instruction & (1 << (4 + bit))) length += delta[position++]! * 2 ** (8 * bit);
      if (length === 0) length = 0x10000;
      if (offset + length > base.length || written + length > target.length)
        throw new PackfileError('delta copies beyond its base or target');
      base.copy(target, written, offset, offset + length);
      written += length;
    } else if (instruction > 0) {
      if (position + instruction > delta.length || written + instruction > target.length)
        throw new PackfileError('delta inserts beyond its data or target');
      delta.copy(target, written, position, position + instruction);
      position += instruction;
      written += instruction;
    } else {
      throw new PackfileError('delta has a reserved instruction 0');
    }
  }
  if (written !== target.length) throw new PackfileError(`delta wrote ${written} of ${target.length} bytes`);
  return target;
}
