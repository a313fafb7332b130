// `spec.include`: other GitRepositories' artifacts (same namespace, same storage) copied into this checkout.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Artifact, GitRepository, GitRepositoryInclude } from '@fluxion/api';
import type { Reflector } from '@fluxion/runtime';
import type { ArtifactStorage } from './storage.ts';
import { extractTarGz, TarExtractError } from './tar-extract.ts';

export interface IncludedArtifact {
  entry: GitRepositoryInclude;
  artifact: Artifact;
}

/** An include that cannot be used yet; Flux's IncludeUnavailable reasons. */
export class IncludeError extends Error {
  readonly reason: string;
  constructor(reason: 'NotFound' | 'NoArtifact' | 'CircularInclude' | 'CopyFailed', message: string) {
    super(message);
    this.name = 'IncludeError';
    this.reason = reason;
  }
}

/** The current artifact of every included GitRepository, read from the watch cache. */
export async function resolveIncludes(
  cache: Reflector<GitRepository>,
  storage: ArtifactStorage,
  namespace: string,
  includes: readonly GitRepositoryInclude[],
  self?: string,
): Promise<IncludedArtifact[]> {
  const resolved: IncludedArtifact[] = [];
  for (const entry of includes) {
    const name = entry.repository.name;
    const included = cache.get(namespace, name);
    if (!included)
      throw new IncludeError(
        'NotFound',
        `could not get resource for include '${name}': GitRepository '${namespace}/${name}' not found`,
      );
    if (self !== undefined && reaches(cache, namespace, name, self, new Set())) {
      throw new IncludeError(
        'CircularInclude',
        `include '${name}' includes '${self}' back: circular includes never settle on one artifact`,
      );
    }
    const artifact = included.status?.artifact;
    if (!artifact || !(await storage.exists(artifact)))
      throw new IncludeError('NoArtifact', `no artifact available for include '${name}'`);
    resolved.push({ entry, artifact });
  }
  return resolved;
}

/** Extracts each included artifact's `fromPath` into `toPath` (default: the included repository's name). */
export async function copyIncludedArtifacts(
  storage: ArtifactStorage,
  includes: readonly IncludedArtifact[],
  checkoutDir: string,
): Promise<void> {
  for (const { entry, artifact } of includes) {
    const toPath = entry.toPath?.trim() || entry.repository.name;
    const destination = join(checkoutDir, ...toPath.split('/').filter((segment) => segment !== '' && segment !== '.'));
    if (destination === checkoutDir)
      throw new IncludeError(
        'CopyFailed',
        `include '${entry.repository.name}': toPath '${toPath}' would replace the whole checkout`,
      );
    try {
      // The include replaces whatever the repository itself has at toPath.
      await rm(destination, { recursive: true, force: true });
      await extractTarGz(
        storage.localPath(artifact.path),
        destination,
        entry.fromPath ? { fromPath: entry.fromPath } : {},
      );
    } catch (error) {
      const detail = error instanceof TarExtractError || error instanceof Error ? error.message : String(error);
      throw new IncludeError(
        'CopyFailed',
        `failed to copy include '${entry.repository.name}' to '${toPath}': ${detail}`,
      );
    }
  }
}

/** Whether the artifacts recorded in status are the ones the includes now point at. */
export function sameIncludedArtifacts(observed: readonly Artifact[], includes: readonly IncludedArtifact[]): boolean {
  if (observed.length !== includes.length) return false;
  return includes.every(
    ({ artifact }, index) =>
      observed[index]?.revision === artifact.revision && observed[index]?.digest === artifact.digest,
  );
}

function reaches(
  cache: Reflector<GitRepository>,
  namespace: string,
  from: string,
  target: string,
  seen: Set<string>,
): boolean {
  if (from === target) return true;
  if (seen.has(from)) return false;
  seen.add(from);
  const next = cache.get(namespace, from)?.spec?.include ?? [];
  return next.some((entry) => reaches(cache, namespace, entry.repository.name, target, seen));
}
