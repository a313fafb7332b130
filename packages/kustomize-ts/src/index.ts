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
