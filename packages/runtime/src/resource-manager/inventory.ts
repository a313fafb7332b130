// The inventory: which objects a set of manifests created, as Flux records it (`<namespace>_<name>_<group>_<kind>` + version).
import type { KubernetesObject } from '@kubernetes/client-node';
import { gvkOf } from '../group-version-kind.ts';
import type { ObjectIdentity } from './change-set.ts';

/** One inventory entry, the shape of Flux's `status.inventory.entries[]`. */
export interface InventoryEntry {
  id: string;
  v: string;
}

export class InventoryIdError extends Error {
  override readonly name = 'InventoryIdError';
  readonly reason = 'InvalidInventory';
}

// RBAC names may hold ':', which the id format reserves; it is written as '__' like cli-utils does
export function formatInventoryId(identity: Pick<ObjectIdentity, 'namespace' | 'name' | 'group' | 'kind'>): string {
  return [identity.namespace, identity.name.replaceAll(':', '__'), identity.group, identity.kind].join('_');
}

export function parseInventoryEntry(entry: InventoryEntry): ObjectIdentity {
  const first = entry.id.indexOf('_');
  const last = entry.id.lastIndexOf('_');
  const beforeLast = entry.id.lastIndexOf('_', last - 1);
  if (first === -1 || beforeLast <= first)
    throw new InventoryIdError(`inventory id "${entry.id}" is not <namespace>_<name>_<group>_<kind>`);
  return {
    namespace: entry.id.slice(0, first),
    name: entry.id.slice(first + 1, beforeLast).replaceAll('__', ':'),
    group: entry.id.slice(beforeLast + 1, last),
    kind: entry.id.slice(last + 1),
    version: entry.v,
  };
}

export function inventoryEntryOf(object: KubernetesObject): InventoryEntry {
  const gvk = gvkOf(object);
  return {
    id: formatInventoryId({
      namespace: object.metadata?.namespace ?? '',
      name: object.metadata?.name ?? '',
      group: gvk.group,
      kind: gvk.kind,
    }),
    v: gvk.version,
  };
}

/** Entries sorted by id, one per object. */
export function inventoryOf(objects: readonly KubernetesObject[]): InventoryEntry[] {
  const byId = new Map(objects.map((object) => inventoryEntryOf(object)).map((entry) => [entry.id, entry]));
  return [...byId.values()].sort((a, b) => a.id.localeCompare(b.id));
}

/** What the previous inventory had and the new one does not: the objects to prune. A version change is not removal. */
export function staleEntries(
  previous: readonly InventoryEntry[],
  current: readonly InventoryEntry[],
): InventoryEntry[] {
  const currentIds = new Set(current.map((entry) => entry.id));
  return previous.filter((entry) => !currentIds.has(entry.id));
}
