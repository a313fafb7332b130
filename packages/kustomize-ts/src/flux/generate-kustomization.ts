// When a path has no kustomization file, make one listing its manifests, as Flux does.
import { posix } from 'node:path';
import type { FileSystem } from '../fs/file-system.ts';
import { parseAllDocuments } from 'yaml';

/** The file names kustomize recognizes, in the order it looks for them. */
export const kustomizationFileNames = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'] as const;

/** A manifest in the path that is not Kubernetes YAML; the build cannot start. */
export class GenerateKustomizationError extends Error {
  override readonly name = 'GenerateKustomizationError';
  readonly reason = 'BuildFailed';
}

export interface KustomizationFile {
  /** Absolute path of the kustomization file (existing, or where the generated one goes). */
  path: string;
  /** Its parsed content (a fresh object the caller may change). */
  document: Record<string, unknown>;
  /** True when there was none and this one was generated. */
  generated: boolean;
}

/** The kustomization file of `dir` if it has one, else a generated one listing its manifests. */
export async function findOrGenerateKustomization(
  fs: FileSystem,
  dir: string,
  displayRoot: string = dir,
): Promise<KustomizationFile> {
  const existing = await findKustomizationFile(fs, dir);
  if (existing) {
    const text = await fs.readFile(existing);
    const parsed = parseKustomizationText(text, posix.relative(displayRoot, existing));
    return { path: existing, document: parsed, generated: false };
  }
  const resources = await scanManifests(fs, dir, dir, displayRoot);
  const document: Record<string, unknown> = { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization' };
  // kustomize refuses an empty kustomization; a namespace keeps it valid and builds nothing
  if (resources.length === 0) document['namespace'] = '_placeholder';
  else document['resources'] = resources;
  return { path: posix.join(dir, 'kustomization.yaml'), document, generated: true };
}

export async function findKustomizationFile(fs: FileSystem, dir: string): Promise<string | undefined> {
  for (const name of kustomizationFileNames) {
    const candidate = posix.join(dir, name);
    if ((await fs.kindOf(candidate)) === 'file') return candidate;
  }
  return undefined;
}

/** Walks `dir` in name order: YAML files become `./relative` resources; a sub-directory with its own kustomization is one resource. */
async function scanManifests(fs: FileSystem, base: string, dir: string, displayRoot: string): Promise<string[]> {
  const found: string[] = [];
  const names = (await fs.readdir(dir)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const name of names) {
    const path = posix.join(dir, name);
    const kind = await fs.kindOf(path);
    if (kind === 'directory') {
      if (await findKustomizationFile(fs, path)) found.push(`./${posix.relative(base, path)}`);
      else found.push(...(await scanManifests(fs, base, path, displayRoot)));
      continue;
    }
    if (kind !== 'file' || !(name.endsWith('.yaml') || name.endsWith('.yml'))) continue;
    assertKubernetesYaml(await fs.readFile(path), posix.relative(displayRoot, path));
    found.push(`./${posix.relative(base, path)}`);
  }
  return found;
}

/** Every document must be a mapping (or empty); the error names the file and line as YAML reports it. */
function assertKubernetesYaml(text: string, displayPath: string): void {
  for (const document of parseAllDocuments(text)) {
    const error = document.errors[0];
    if (error)
      throw new GenerateKustomizationError(
        `failed to decode Kubernetes YAML from ${displayPath}: ${yamlErrorText(error)}`,
      );
    const value: unknown = document.toJS();
    if (value !== null && value !== undefined && (typeof value !== 'object' || Array.isArray(value))) {
      throw new GenerateKustomizationError(
        `failed to decode Kubernetes YAML from ${displayPath}: a document is not a mapping`,
      );
    }
  }
}

function parseKustomizationText(text: string, displayPath: string): Record<string, unknown> {
  const documents = parseAllDocuments(text);
  const first = documents[0];
  const error = first?.errors[0];
  if (error) throw new GenerateKustomizationError(`${displayPath}: ${yamlErrorText(error)}`);
  const value: unknown = first?.toJS() ?? {};
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new GenerateKustomizationError(`${displayPath}: not a YAML mapping`);
  return value as Record<string, unknown>;
}

function yamlErrorText(error: { message: string; linePos?: [{ line: number; col: number }, ...unknown[]] }): string {
  const firstLine = error.message.split('\n')[0] ?? error.message;
  return error.linePos
    ? `line ${error.linePos[0].line}: ${firstLine.replace(/ at line \d+, column \d+:?$/, '')}`
    : firstLine;
}
