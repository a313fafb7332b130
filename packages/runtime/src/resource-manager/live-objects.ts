// Reads the live copies of many objects: one LIST per kind and namespace when many share them, else one GET each.
import type { KubernetesObject } from '@kubernetes/client-node';
import type { KubeClient } from '../client.ts';
import { refOf } from '../client.ts';
import type { ApiResource } from '../group-version-kind.ts';
import { mapConcurrent } from './concurrency.ts';

/** Below this many objects of one kind in one namespace, GETs cost less than listing the namespace. */
const listThreshold = 20;

export interface ResolvedObject {
  object: KubernetesObject;
  resource: ApiResource;
}

/** The live object for each input (same order), `undefined` where none exists, or the error reading it. */
export async function readLiveObjects(
  client: KubeClient,
  objects: readonly ResolvedObject[],
  concurrency: number,
): Promise<Array<KubernetesObject | undefined | Error>> {
  const groups = new Map<string, ResolvedObject[]>();
  for (const entry of objects) {
    const key = groupKey(entry);
    groups.set(key, [...(groups.get(key) ?? []), entry]);
  }
  const listed = new Map<string, Map<string, KubernetesObject>>();
  await Promise.all(
    [...groups]
      .filter(([, members]) => members.length >= listThreshold)
      .map(async ([key, members]) => {
        const { resource, object } = members[0] as ResolvedObject;
        try {
          const { items } = await client.list(resource, { namespace: object.metadata?.namespace });
          listed.set(key, new Map(items.map((item) => [item.metadata?.name ?? '', item])));
        } catch {
          // e.g. an impersonated account may get but not list: fall back to one GET per object
        }
      }),
  );
  return mapConcurrent(objects, concurrency, async (entry) => {
    const byName = listed.get(groupKey(entry));
    if (byName) return byName.get(entry.object.metadata?.name ?? '');
    return client
      .getIfExists(refOf(entry.object))
      .catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
  });
}

function groupKey({ object, resource }: ResolvedObject): string {
  return `${resource.group}/${resource.version}/${resource.plural}|${object.metadata?.namespace ?? ''}`;
}
