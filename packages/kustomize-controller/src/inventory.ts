// The Kustomization inventory (`status.inventory`): ids as Flux writes them, and what changed between two of them.
import type { KubernetesObject } from '@kubernetes/client-node';
import type { ResourceInventory } from '@fluxion/api';
import {
  inventoryOf,
  parseInventoryEntry,
  staleEntries,
  formatApiVersion,
  type InventoryEntry,
  type ObjectRef,
} from '@fluxion/runtime';

/** `<namespace>_<name>_<group>_<kind>` with `v` the version, sorted by id. */
export function inventoryFromObjects(objects: readonly KubernetesObject[]): ResourceInventory {
  return { entries: inventoryOf(objects) };
}

export interface InventoryDiff {
  /** In the old inventory and not in the new one: what prune deletes. */
  removed: InventoryEntry[];
  /** In the new inventory and not in the old one. */
  added: InventoryEntry[];
}

export function diffInventory(previous: ResourceInventory | undefined, next: ResourceInventory): InventoryDiff {
  const before = previous?.entries ?? [];
  return { removed: staleEntries(before, next.entries), added: staleEntries(next.entries, before) };
}

/** Both sets of entries, each id once, sorted: what the controller must keep track of after a partial apply. */
export function mergeInventories(...inventories: ReadonlyArray<ResourceInventory | undefined>): ResourceInventory {
  const byId = new Map<string, InventoryEntry>();
  for (const inventory of inventories) for (const entry of inventory?.entries ?? []) byId.set(entry.id, entry);
  return { entries: [...byId.values()].sort((a, b) => a.id.localeCompare(b.id)) };
}

/** The objects an inventory names, as references to read or wait on. */
export function inventoryRefs(inventory: ResourceInventory | undefined): ObjectRef[] {
  return (inventory?.entries ?? []).map((entry) => {
    const identity = parseInventoryEntry(entry);
    return {
      apiVersion: formatApiVersion(identity),
      kind: identity.kind,
      name: identity.name,
      namespace: identity.namespace || undefined,
    };
  });
}
