// Labels and annotations stamped on every applied object: ownership labels and spec.commonMetadata.
import type { KObject } from 'kustomize-ts';
import type { CommonMetadata } from '@fluxion/api';

export const NameLabel = 'kustomize.toolkit.fluxcd.io/name';
export const NamespaceLabel = 'kustomize.toolkit.fluxcd.io/namespace';

/** The labels that mark an object as applied by this Kustomization; prune leaves objects without them alone. */
export function ownerLabels(name: string, namespace: string): Record<string, string> {
  return { [NameLabel]: name, [NamespaceLabel]: namespace };
}

/** New objects carrying commonMetadata (replacing existing keys) and the ownership labels (which always win). */
export function stampMetadata(
  objects: readonly KObject[],
  owner: { name: string; namespace: string },
  common: CommonMetadata | undefined,
): KObject[] {
  return objects.map((object) => {
    const metadata = { ...object.metadata };
    const labels = { ...metadata.labels, ...common?.labels, ...ownerLabels(owner.name, owner.namespace) };
    const annotations = common?.annotations ? { ...metadata.annotations, ...common.annotations } : metadata.annotations;
    return { ...object, metadata: { ...metadata, labels, ...(annotations ? { annotations } : {}) } };
  });
}
