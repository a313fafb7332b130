// kustomize-ts: `kustomize build` in TypeScript, byte-for-byte equal to kustomize v5's output.
import { build, type BuildOptions } from './build.ts';
import type { KObject } from './types.ts';
import { renderYamlStream } from './yaml/render-yaml.ts';

export { build, type BuildOptions } from './build.ts';
export { KustomizeError } from './errors.ts';
export { diskFileSystem } from './fs/disk-file-system.ts';
export { memoryFileSystem } from './fs/memory-file-system.ts';
export type { FileKind, FileSystem } from './fs/file-system.ts';
export type * from './types.ts';

/** The exact text `kustomize build` prints for these objects. */
export function renderYaml(resources: KObject[]): string {
  return renderYamlStream(resources);
}

/** build() then renderYaml(). */
export async function buildToYaml(dir: string, options?: BuildOptions): Promise<string> {
  return renderYaml(await build(dir, options));
}

// Flux's build on top of kustomize: a kustomization generated when there is none, the spec's overrides, postBuild
// substitution. Shared by kustomize-controller and the CLI's `build ks` / `diff ks`.
export { buildManifests, BuildError, type BuildManifestsOptions } from './flux/build-manifests.ts';
export {
  findKustomizationFile,
  findOrGenerateKustomization,
  kustomizationFileNames,
  GenerateKustomizationError,
} from './flux/generate-kustomization.ts';
export { applyOverrides, OverrideError, isLocalRelativePath, type OverrideSpec } from './flux/overrides.ts';
export { overlayFileSystem } from './flux/overlay-file-system.ts';
export { envsubst, EnvsubstError, type EnvsubstOptions } from './flux/envsubst.ts';
export {
  substituteVariables,
  mergeVariables,
  isSubstitutionDisabled,
  objectSubject,
  variableNamePattern,
  SubstitutionError,
  SubstituteAnnotation,
  type SubstituteOptions,
} from './flux/substitute.ts';
