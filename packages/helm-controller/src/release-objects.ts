// The objects of a release's manifest, with namespaces filled in as Helm does, as refs and inventory entries.
import type { ResourceInventory } from '@fluxion/api';
import { formatInventoryId, parseApiVersion, type KubeClient, type ObjectRef } from '@fluxion/runtime';
import { parseAllDocuments } from 'yaml';

export interface ManifestObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [key: string]: unknown };
  [key: string]: unknown;
}

/** Parses the manifest and sets the release namespace on namespaced objects that have none. */
export async function releaseObjects(
  client: KubeClient,
  manifest: string,
  releaseNamespace: string,
): Promise<ManifestObject[]> {
  const objects: ManifestObject[] = [];
  for (const document of parseAllDocuments(manifest)) {
    const value = document.toJS() as ManifestObject | null;
    if (!value?.kind || !value.apiVersion || !value.metadata?.name) continue;
    const { group, version } = parseApiVersion(value.apiVersion);
    const resource = await client.resourceFor({ group, version, kind: value.kind });
    if (resource.namespaced && !value.metadata.namespace)
      value.metadata = { ...value.metadata, namespace: releaseNamespace };
    if (!resource.namespaced) delete value.metadata.namespace;
    objects.push(value);
  }
  return objects;
}

export function refsOf(objects: readonly ManifestObject[]): ObjectRef[] {
  return objects.map((object) => ({
    apiVersion: object.apiVersion,
    kind: object.kind,
    name: object.metadata.name,
    namespace: object.metadata.namespace,
  }));
}

/** Flux's inventory: `<namespace>_<name>_<group>_<kind>` and the apiVersion, sorted. */
export function inventoryOf(objects: readonly ManifestObject[]): ResourceInventory {
  const entries = objects.map((object) => {
    const { group, version } = parseApiVersion(object.apiVersion);
    return {
      id: formatInventoryId({
        namespace: object.metadata.namespace ?? '',
        name: object.metadata.name,
        group,
        kind: object.kind,
      }),
      v: version,
    };
  });
  entries.sort((a, b) => a.id.localeCompare(b.id));
  return { entries };
}
