// A SOPS document as an ordered tree: its metadata, each value decrypted along its path, and the MAC recomputed as SOPS
// does (SHA-512 over the values in document order, upper-case hex).
import { createHash } from 'node:crypto';
import { decryptValue, SopsValueError } from './sops-cipher.ts';

/** Mappings are Maps, so the order of keys is the document's (a plain object would move integer-like keys first). */
export type SopsTree = Map<string, SopsTree> | SopsTree[] | string | number | boolean | bigint | null;

export interface SopsMetadata {
  mac: string;
  lastModified: string;
  macOnlyEncrypted: boolean;
  unencryptedSuffix?: string;
  encryptedSuffix?: string;
  unencryptedRegex?: RegExp;
  encryptedRegex?: RegExp;
  /** The key groups the data key is encrypted for; without key_groups, one group of the top-level lists. */
  keyGroups: KeyGroup[];
  shamirThreshold: number;
}

/** One key group: master keys by provider, as `sops` lists them (age, pgp, kms, gcp_kms, azure_kv, hc_vault, ...). */
export type KeyGroup = Map<string, Array<Map<string, SopsTree>>>;

/** The document is not a SOPS document SOPS could have written, or uses something this reader does not do. */
export class SopsFormatError extends Error {
  override readonly name = 'SopsFormatError';
}

/** The recomputed MAC differs from the stored one: a value was changed, added, removed or moved. */
export class SopsMacError extends Error {
  override readonly name = 'SopsMacError';
}

// SOPS seeds the hash with these bytes when only encrypted values are hashed (mac_only_encrypted), so the two MACs differ.
const macOnlyEncryptedSeed = Buffer.from([
  0x8a, 0x3f, 0xd2, 0xad, 0x54, 0xce, 0x66, 0x52, 0x7b, 0x10, 0x34, 0xf3, 0xd1, 0x47, 0xbe, 0x0b, 0x0b, 0x97, 0x5b,
  0x3b, 0xf4, 0x4f, 0x72, 0xc6, 0xfd, 0xad, 0xec, 0x81, 0x76, 0xf2, 0x7d, 0x69,
]);

const providerKeys = ['age', 'pgp', 'kms', 'gcp_kms', 'azure_kv', 'hc_vault', 'hckms'] as const;

export function readMetadata(sops: SopsTree | undefined): SopsMetadata {
  if (!(sops instanceof Map)) throw new SopsFormatError('no sops metadata');
  const text = (name: string): string | undefined => {
    const value = sops.get(name);
    return value === undefined || value === null || value === '' ? undefined : String(value);
  };
  const mac = text('mac');
  const lastModified = text('lastmodified');
  if (!mac || !lastModified) throw new SopsFormatError('sops metadata lacks mac or lastmodified');
  if (text('unencrypted_comment_regex') || text('encrypted_comment_regex')) {
    throw new SopsFormatError('sops metadata uses (un)encrypted_comment_regex, which is not supported');
  }
  const groups = sops.get('key_groups');
  const keyGroups = Array.isArray(groups)
    ? groups.filter((group) => group instanceof Map).map(keyGroupOf)
    : [keyGroupOf(sops)];
  const unencryptedRegex = text('unencrypted_regex');
  const encryptedRegex = text('encrypted_regex');
  return {
    mac,
    lastModified,
    macOnlyEncrypted: ['true', 'True'].includes(text('mac_only_encrypted') ?? ''),
    ...(text('unencrypted_suffix') ? { unencryptedSuffix: text('unencrypted_suffix') } : {}),
    ...(text('encrypted_suffix') ? { encryptedSuffix: text('encrypted_suffix') } : {}),
    ...(unencryptedRegex ? { unencryptedRegex: compileRegex(unencryptedRegex) } : {}),
    ...(encryptedRegex ? { encryptedRegex: compileRegex(encryptedRegex) } : {}),
    keyGroups,
    shamirThreshold: Number(text('shamir_threshold') ?? 0),
  };
}

function keyGroupOf(source: Map<string, SopsTree>): KeyGroup {
  const group: KeyGroup = new Map();
  for (const provider of providerKeys) {
    const entries = source.get(provider);
    if (Array.isArray(entries))
      group.set(
        provider,
        entries.filter((entry): entry is Map<string, SopsTree> => entry instanceof Map),
      );
  }
  return group;
}

function compileRegex(pattern: string): RegExp {
  try {
    return new RegExp(pattern);
  } catch {
    throw new SopsFormatError(`sops metadata has a regular expression this reader cannot compile: ${pattern}`);
  }
}

/** SOPS' rule for which values of a path are encrypted: suffixes and regular expressions over any key of the path. */
export function shouldBeEncrypted(metadata: SopsMetadata, path: readonly string[]): boolean {
  let encrypted = true;
  if (metadata.unencryptedSuffix && path.some((key) => key.endsWith(metadata.unencryptedSuffix ?? '')))
    encrypted = false;
  if (metadata.encryptedSuffix) encrypted = path.some((key) => key.endsWith(metadata.encryptedSuffix ?? ''));
  if (metadata.unencryptedRegex && path.some((key) => metadata.unencryptedRegex?.test(key))) encrypted = false;
  if (metadata.encryptedRegex) encrypted = path.some((key) => metadata.encryptedRegex?.test(key));
  return encrypted;
}

/**
 * Decrypts every value the metadata says is encrypted and recomputes the MAC over the document's values.
 * Returns a new tree; `branches` is each document of the file without its `sops` key.
 */
export function decryptTree(
  branches: readonly SopsTree[],
  metadata: SopsMetadata,
  key: Uint8Array,
): { plain: SopsTree[]; mac: string } {
  const hash = createHash('sha512');
  if (metadata.macOnlyEncrypted) hash.update(macOnlyEncryptedSeed);
  const leaf = (value: SopsTree, path: string[]): SopsTree => {
    const encrypted = shouldBeEncrypted(metadata, path);
    if (!encrypted) {
      if (!metadata.macOnlyEncrypted) hash.update(macBytes(value));
      return value;
    }
    if (typeof value !== 'string')
      throw new SopsValueError(`value at '${path.join('.')}' should be encrypted but is a ${typeof value}`);
    try {
      const decrypted = decryptValue(value, key, `${path.join(':')}:`);
      hash.update(decrypted.bytes);
      return decrypted.value;
    } catch (error) {
      throw new SopsValueError(`value at '${path.join('.')}' could not be decrypted: ${(error as Error).message}`);
    }
  };
  const plain = branches.map((branch) => walk(branch, [], leaf));
  return { plain, mac: hash.digest('hex').toUpperCase() };
}

/** Opens the stored MAC (its additional data is lastmodified) and compares it with the one recomputed. */
export function verifyMac(metadata: SopsMetadata, key: Uint8Array, computed: string): void {
  let stored: string;
  try {
    stored = decryptValue(metadata.mac, key, metadata.lastModified).bytes.toString('utf8');
  } catch {
    throw new SopsMacError('the stored MAC does not open with the data key (its metadata was changed)');
  }
  if (stored !== computed) throw new SopsMacError('MAC mismatch: the file was changed after it was encrypted');
}

function walk(node: SopsTree, path: string[], leaf: (value: SopsTree, path: string[]) => SopsTree): SopsTree {
  if (node === null) return null;
  if (node instanceof Map) {
    const result = new Map<string, SopsTree>();
    for (const [key, value] of node) result.set(key, walk(value, [...path, key], leaf));
    return result;
  }
  // list items share their list's path, as in SOPS
  if (Array.isArray(node)) return node.map((item) => walk(item, path, leaf));
  return leaf(node, path);
}

/** The bytes SOPS hashes for a value left in plain text (Go's formatting: booleans as True/False). */
function macBytes(value: SopsTree): Buffer {
  if (typeof value === 'boolean') return Buffer.from(value ? 'True' : 'False');
  return Buffer.from(String(value), 'utf8');
}

/** A plain JSON-like value as a tree (object keys in their own order). */
export function treeFromObject(value: unknown): SopsTree {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.map(treeFromObject);
  if (typeof value === 'object')
    return new Map(Object.entries(value).map(([key, item]) => [key, treeFromObject(item)]));
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return value;
  return String(value);
}

export function objectFromTree(tree: SopsTree): unknown {
  if (tree instanceof Map) return Object.fromEntries([...tree].map(([key, value]) => [key, objectFromTree(value)]));
  if (Array.isArray(tree)) return tree.map(objectFromTree);
  return typeof tree === 'bigint' ? Number(tree) : tree;
}
