// SOPS around the build: generator and patch files decrypted into memory before it, Secrets of its output after it,
// each Secret manifest's MAC checked on the artifact file it came from.
import { posix } from 'node:path';
import { findKustomizationFile, type FileSystem, type KObject } from 'kustomize-ts';
import { parseAllDocuments } from 'yaml';
import { DecryptionError, type SopsDecryptor, type SourceLookup } from './sops-decryptor.ts';
import { formatForPath, type SopsFormat } from './sops-formats.ts';
import { readMetadata, type SopsMetadata, type SopsTree } from './sops-tree.ts';

/** As Flux: a larger file is not decrypted. */
const maxEncryptedFileBytes = 5 * 1024 * 1024;

/**
 * The plaintext of each encrypted file a kustomization under `dir` (and those it includes) reads through a
 * secretGenerator, configMapGenerator or patch path, by absolute path: an overlay for the build, never written to disk.
 */
export async function decryptGeneratorSources(
  fs: FileSystem,
  dir: string,
  root: string,
  decryptor: SopsDecryptor,
): Promise<Map<string, string>> {
  const decrypted = new Map<string, string>();
  const visited = new Set<string>();
  const visit = async (kustomizationDir: string): Promise<void> => {
    if (visited.has(kustomizationDir)) return;
    visited.add(kustomizationDir);
    const file = await findKustomizationFile(fs, kustomizationDir);
    if (!file) return;
    const document = (parseAllDocuments(await fs.readFile(file))[0]?.toJS() ?? {}) as Record<string, unknown>;
    for (const { path, format } of encryptedCandidates(document)) {
      const absolute = posix.resolve(kustomizationDir, path);
      if (!inside(absolute, root) || decrypted.has(absolute) || (await fs.kindOf(absolute)) !== 'file') continue;
      const bytes = await fs.readFileBytes(absolute);
      if (bytes.byteLength > maxEncryptedFileBytes) continue;
      const plain = await decryptor.decryptFile(
        new TextDecoder().decode(bytes),
        posix.relative(root, absolute),
        format,
      );
      if (plain !== undefined) decrypted.set(absolute, plain);
    }
    for (const entry of [
      ...listOf(document['resources']),
      ...listOf(document['components']),
      ...listOf(document['bases']),
    ]) {
      if (/^[a-z]+:\/\//i.test(entry) || entry.startsWith('git@')) continue;
      const next = posix.resolve(kustomizationDir, entry);
      if (inside(next, root) && (await fs.kindOf(next)) === 'directory') await visit(next);
    }
  };
  await visit(dir);
  return decrypted;
}

function encryptedCandidates(document: Record<string, unknown>): Array<{ path: string; format: SopsFormat }> {
  const candidates: Array<{ path: string; format: SopsFormat }> = [];
  for (const generator of [...recordsOf(document['secretGenerator']), ...recordsOf(document['configMapGenerator'])]) {
    for (const source of listOf(generator['files'])) {
      // `key=path` or `path`: the key's extension says the format the generated data keeps
      const [key = '', path = key] = source.split('=', 2);
      candidates.push({ path, format: formatForPath(key) });
    }
    const envs = [...listOf(generator['envs']), ...(typeof generator['env'] === 'string' ? [generator['env']] : [])];
    for (const env of envs)
      candidates.push({ path: env, format: formatForPath(env) === 'binary' ? 'dotenv' : formatForPath(env) });
  }
  for (const patch of recordsOf(document['patches'])) {
    if (typeof patch['path'] === 'string')
      candidates.push({ path: patch['path'], format: formatForPath(patch['path']) });
  }
  return candidates;
}

/** Decrypts every Secret of the build output that SOPS encrypted; the array given is left unchanged. */
export async function decryptBuiltObjects(
  objects: readonly KObject[],
  decryptor: SopsDecryptor,
  fs: FileSystem,
  root: string,
): Promise<KObject[]> {
  const sources = lazySourceLookup(fs, root);
  const result: KObject[] = [];
  for (const object of objects) result.push(await decryptor.decryptObject(object, sources));
  return result;
}

/** Finds, the first time it is asked, every SOPS document in the artifact's YAML and JSON files, by MAC. */
function lazySourceLookup(fs: FileSystem, root: string): SourceLookup {
  let index: Promise<Map<string, Array<{ file: string; branches: SopsTree[]; metadata: SopsMetadata }>>> | undefined;
  return async (mac) => {
    index ??= indexEncryptedDocuments(fs, root);
    return (await index).get(mac) ?? [];
  };
}

async function indexEncryptedDocuments(
  fs: FileSystem,
  root: string,
): Promise<Map<string, Array<{ file: string; branches: SopsTree[]; metadata: SopsMetadata }>>> {
  const byMac = new Map<string, Array<{ file: string; branches: SopsTree[]; metadata: SopsMetadata }>>();
  for (const path of await listFiles(fs, root)) {
    if (!/\.(ya?ml|json)$/i.test(path)) continue;
    const bytes = await fs.readFileBytes(path);
    if (bytes.byteLength > maxEncryptedFileBytes) continue;
    const text = new TextDecoder().decode(bytes);
    if (!text.includes('mac: ENC[') && !text.includes('"mac": "ENC[')) continue;
    const file = posix.relative(root, path);
    // one file may hold several documents encrypted together (one MAC over all) or apart (one MAC each)
    const groups = new Map<string, { branches: SopsTree[]; metadata: SopsMetadata }>();
    for (const document of parseAllDocuments(text)) {
      if (document.errors.length > 0) continue;
      const value = document.toJS({ mapAsMap: true }) as SopsTree;
      if (!(value instanceof Map) || !value.has('sops')) continue;
      let metadata: SopsMetadata;
      try {
        metadata = readMetadata(value.get('sops'));
      } catch (error) {
        throw new DecryptionError(`${file}: ${(error as Error).message}`);
      }
      value.delete('sops');
      const group = groups.get(metadata.mac) ?? { branches: [], metadata };
      group.branches.push(value);
      groups.set(metadata.mac, group);
    }
    for (const [mac, group] of groups) byMac.set(mac, [...(byMac.get(mac) ?? []), { file, ...group }]);
  }
  return byMac;
}

async function listFiles(fs: FileSystem, dir: string): Promise<string[]> {
  const files: string[] = [];
  for (const name of (await fs.readdir(dir)).sort()) {
    const path = posix.join(dir, name);
    const kind = await fs.kindOf(path);
    if (kind === 'directory') files.push(...(await listFiles(fs, path)));
    else if (kind === 'file') files.push(path);
  }
  return files;
}

function inside(path: string, root: string): boolean {
  return path === root || path.startsWith(`${root}/`);
}

function listOf(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

function recordsOf(value: unknown): Array<Record<string, unknown>> {
  return Array.isArray(value)
    ? value.filter((item): item is Record<string, unknown> => item !== null && typeof item === 'object')
    : [];
}
