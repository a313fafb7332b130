// What the post-renderer does to Helm's rendered manifests: origin labels, commonMetadata, then kustomize patches/images.
import type { CommonMetadata, PostRenderer } from '@fluxion/api';
import type { KObject } from 'kustomize-ts';
import { parseAllDocuments, stringify } from 'yaml';

/** Everything the post-renderer needs, written to a file whose path is the plugin's one argument. */
export interface PostRenderSpec {
  /** `helm.toolkit.fluxcd.io/name` and `/namespace`, set on every object, as Flux does. */
  originLabels: Record<string, string>;
  commonMetadata?: CommonMetadata | undefined;
  postRenderers?: PostRenderer[] | undefined;
}

export class PostRenderError extends Error {
  override readonly name = 'PostRenderError';
  readonly reason = 'PostRenderFailed';
}

/** Returns the manifests Helm should apply instead of `rendered`. */
export async function postRender(rendered: string, spec: PostRenderSpec): Promise<string> {
  let objects = parseManifests(rendered).map((object) => stamp(object, spec));
  const kustomizeSteps = (spec.postRenderers ?? []).filter(
    (renderer) => renderer.kustomize?.patches?.length || renderer.kustomize?.images?.length,
  );
  // kustomize-ts is loaded only when there is something for it to do: every helm action runs this process
  if (kustomizeSteps.length === 0) return objects.map((object) => `---\n${stringify(object)}`).join('');
  const { build, memoryFileSystem, renderYaml } = await import('kustomize-ts');
  for (const [index, renderer] of (spec.postRenderers ?? []).entries()) {
    const kustomize = renderer.kustomize;
    if (!kustomize || (!kustomize.patches?.length && !kustomize.images?.length)) continue;
    const kustomization: Record<string, unknown> = {
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      resources: ['resources.yaml'],
    };
    if (kustomize.patches?.length) kustomization['patches'] = kustomize.patches;
    if (kustomize.images?.length) kustomization['images'] = kustomize.images;
    const fs = memoryFileSystem({
      '/post-render/resources.yaml': renderYaml(objects),
      '/post-render/kustomization.yaml': JSON.stringify(kustomization),
    });
    try {
      objects = await build('/post-render', { fs });
    } catch (error) {
      throw new PostRenderError(`spec.postRenderers[${index}].kustomize: ${(error as Error).message}`);
    }
  }
  return renderYaml(objects);
}

export function parseManifests(text: string): KObject[] {
  const objects: KObject[] = [];
  for (const document of parseAllDocuments(text)) {
    if (document.errors.length > 0)
      throw new PostRenderError(`rendered manifests are not valid YAML: ${document.errors[0]?.message ?? ''}`);
    const value: unknown = document.toJS();
    if (value && typeof value === 'object' && !Array.isArray(value)) objects.push(value as KObject);
  }
  return objects;
}

function stamp(object: KObject, spec: PostRenderSpec): KObject {
  const metadata = { ...(object.metadata ?? {}) } as NonNullable<KObject['metadata']>;
  const labels = { ...(metadata.labels ?? {}), ...(spec.commonMetadata?.labels ?? {}), ...spec.originLabels };
  metadata.labels = labels;
  if (spec.commonMetadata?.annotations)
    metadata.annotations = { ...(metadata.annotations ?? {}), ...spec.commonMetadata.annotations };
  return { ...object, metadata };
}
