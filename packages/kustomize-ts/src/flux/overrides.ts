// Writes the Kustomization's spec overrides into the kustomization document before the build, as Flux does.

/** An override the spec asks for that cannot be honoured (a component path that is not local). */
export class OverrideError extends Error {
  override readonly name = 'OverrideError';
  readonly reason = 'BuildFailed';
}

/** Which objects a spec patch applies to (Flux's Selector). */
export interface PatchTarget {
  group?: string | undefined;
  version?: string | undefined;
  kind?: string | undefined;
  namespace?: string | undefined;
  name?: string | undefined;
  annotationSelector?: string | undefined;
  labelSelector?: string | undefined;
}

/** The fields of a Flux Kustomization's spec that change the build (structurally those of @fluxion/api's KustomizationSpec). */
export interface OverrideSpec {
  targetNamespace?: string | undefined;
  namePrefix?: string | undefined;
  nameSuffix?: string | undefined;
  patches?: Array<{ patch: string; target?: PatchTarget | undefined }> | undefined;
  images?:
    | Array<{ name: string; newName?: string | undefined; newTag?: string | undefined; digest?: string | undefined }>
    | undefined;
  components?: string[] | undefined;
  ignoreMissingComponents?: boolean | undefined;
}

/**
 * Returns a copy of `kustomization` with targetNamespace, namePrefix/Suffix, patches, components and images
 * from the spec. `componentExists` answers for a component path relative to the kustomization's directory.
 */
export async function applyOverrides(
  kustomization: Readonly<Record<string, unknown>>,
  spec: OverrideSpec,
  componentExists: (relativePath: string) => Promise<boolean>,
  options: { generated: boolean } = { generated: false },
): Promise<Record<string, unknown>> {
  const result: Record<string, unknown> = structuredClone(kustomization) as Record<string, unknown>;
  // kustomize refuses a kustomization with nothing in it; build metadata makes an empty one valid
  if (
    !options.generated &&
    isEmptyList(result['resources']) &&
    isEmptyList(result['components']) &&
    !result['buildMetadata']
  ) {
    if (!hasAnyBuildInput(result)) result['buildMetadata'] = ['originAnnotations'];
  }
  if (spec.targetNamespace) result['namespace'] = spec.targetNamespace;
  if (spec.namePrefix) result['namePrefix'] = spec.namePrefix;
  if (spec.nameSuffix) result['nameSuffix'] = spec.nameSuffix;
  if (spec.patches?.length) {
    const patches = listOf(result['patches']);
    for (const patch of spec.patches)
      patches.push(patch.target ? { patch: patch.patch, target: withoutEmpty(patch.target) } : { patch: patch.patch });
    result['patches'] = patches;
  }
  if (spec.components?.length) {
    const components = listOf(result['components']);
    for (const component of spec.components) {
      if (!isLocalRelativePath(component))
        throw new OverrideError(`component path '${component}' must be local and relative`);
      if (spec.ignoreMissingComponents && !(await componentExists(component))) continue;
      components.push(component);
    }
    if (components.length > 0) result['components'] = components;
  }
  if (spec.images?.length) {
    const images = listOf(result['images']) as Array<Record<string, unknown>>;
    for (const image of spec.images) {
      const replacement = withoutEmpty({
        name: image.name,
        newName: image.newName,
        newTag: image.newTag,
        digest: image.digest,
      });
      const index = images.findIndex((existing) => existing['name'] === image.name);
      if (index >= 0) images[index] = replacement;
      else images.push(replacement);
    }
    result['images'] = images;
  }
  return result;
}

export function isLocalRelativePath(path: string): boolean {
  return (
    !path.startsWith('/') &&
    !/^[a-z][a-z0-9+.-]*:\/\//i.test(path) &&
    !path.split('/').includes('..') &&
    !/^(github\.com|gitlab\.com|bitbucket\.org)\//.test(path)
  );
}

function listOf(value: unknown): unknown[] {
  return Array.isArray(value) ? [...value] : [];
}

function isEmptyList(value: unknown): boolean {
  return value === undefined || value === null || (Array.isArray(value) && value.length === 0);
}

/** Anything besides apiVersion/kind that gives kustomize something to build or do. */
function hasAnyBuildInput(document: Record<string, unknown>): boolean {
  return Object.keys(document).some((key) => key !== 'apiVersion' && key !== 'kind' && !isEmptyList(document[key]));
}

function withoutEmpty<T extends object>(object: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(object).filter(([, value]) => value !== undefined && value !== ''),
  ) as Partial<T>;
}
