// Builds the objects a Kustomization declares: find or generate the kustomization, write the spec's overrides, kustomize build.
import { posix } from 'node:path';
import { build } from '../build.ts';
import { KustomizeError } from '../errors.ts';
import { diskFileSystem } from '../fs/disk-file-system.ts';
import type { FileSystem } from '../fs/file-system.ts';
import type { KObject } from '../types.ts';
import { stringify } from 'yaml';
import { findOrGenerateKustomization, GenerateKustomizationError } from './generate-kustomization.ts';
import { overlayFileSystem } from './overlay-file-system.ts';
import { applyOverrides, OverrideError, type OverrideSpec } from './overrides.ts';

/** The build failed; the message names the file (relative to the artifact root) and, for YAML, the line. */
export class BuildError extends Error {
  override readonly name = 'BuildError';
  readonly reason: 'BuildFailed' | 'ArtifactFailed';
  constructor(message: string, reason: 'BuildFailed' | 'ArtifactFailed' = 'BuildFailed') {
    super(message);
    this.reason = reason;
  }
}

export interface BuildManifestsOptions {
  /** `spec.path`, relative to the artifact root. */
  path: string | undefined;
  spec: OverrideSpec;
  /** `--no-remote-bases` turns this off. */
  allowRemoteBases: boolean;
  /** For tests: a file system standing in for the disk. */
  fs?: FileSystem;
  /** Files to see decrypted (absolute path to plaintext) before the build, read through the rewritten kustomization. */
  decryptSources?: (fs: FileSystem, dir: string) => Promise<ReadonlyMap<string, string>>;
}

/** Builds `spec.path` of the artifact unpacked at `root`; nothing outside `root` can be read. */
export async function buildManifests(root: string, options: BuildManifestsOptions): Promise<KObject[]> {
  const fs = options.fs ?? diskFileSystem();
  const relativePath = options.path ?? './';
  const dir = posix.resolve(root, relativePath);
  if (dir !== root && !dir.startsWith(`${root}/`))
    throw new BuildError(`kustomization path '${relativePath}' is outside the artifact`, 'ArtifactFailed');
  if ((await fs.kindOf(dir)) !== 'directory')
    throw new BuildError(
      `kustomization path not found: '${relativePath}' is not a directory in the artifact`,
      'ArtifactFailed',
    );
  let decrypted: ReadonlyMap<string, string> | undefined;
  try {
    const kustomization = await findOrGenerateKustomization(fs, dir, root);
    const document = await applyOverrides(
      kustomization.document,
      options.spec,
      async (component) => (await fs.kindOf(posix.resolve(dir, component))) !== undefined,
      {
        generated: kustomization.generated,
      },
    );
    const rewritten = overlayFileSystem(fs, new Map([[kustomization.path, stringify(document)]]));
    decrypted = await options.decryptSources?.(rewritten, dir);
    const overlay = decrypted?.size ? overlayFileSystem(rewritten, decrypted) : rewritten;
    return await build(dir, { fs: overlay, root, loadRestrictor: 'none', allowRemoteBases: options.allowRemoteBases });
  } catch (error) {
    if (
      error instanceof KustomizeError ||
      error instanceof GenerateKustomizationError ||
      error instanceof OverrideError
    ) {
      throw new BuildError(withoutPlaintext(relativeToRoot(error.message, root), decrypted));
    }
    throw error;
  }
}

/** kustomize may quote a line of a file it could not read: a decrypted file's lines never reach a status or log. */
export function withoutPlaintext(message: string, decrypted: ReadonlyMap<string, string> | undefined): string {
  let scrubbed = message;
  for (const text of decrypted?.values() ?? []) {
    for (const line of text
      .split('\n')
      .map((item) => item.trim())
      .filter((item) => item.length >= 3)) {
      scrubbed = scrubbed.replaceAll(line, '[decrypted content]');
    }
  }
  return scrubbed;
}

/** Temp directories mean nothing to a user: paths are shown relative to the artifact root. */
function relativeToRoot(message: string, root: string): string {
  return message.replaceAll(`${root}/`, '').replaceAll(root, '.');
}
