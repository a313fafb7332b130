// Prune with Flux's protections: objects marked `kustomize.toolkit.fluxcd.io/prune: disabled` (annotation or label,
// any letter case) and objects no longer labelled as ours stay; the rest is deleted by the runtime, in reverse stages.
import type { KubernetesObject } from '@kubernetes/client-node';
import { ChangeSet, changeSetEntry, formatApiVersion, parseInventoryEntry, prune, type InventoryEntry, type KubeClient } from '@fluxion/runtime';
import { isPruneDisabled, PruneAnnotation } from './apply-policy.ts';
import { ownerLabels } from './common-metadata.ts';

export async function pruneObjects(client: KubeClient, stale: readonly InventoryEntry[], owner: { name: string; namespace: string }): Promise<ChangeSet> {
  const protectedEntries = new ChangeSet();
  // the runtime matches the annotation exactly; Flux ignores case and reads labels too, so those are filtered here
  const reads = await Promise.all(stale.map(async (entry) => ({ entry, live: await readQuietly(client, entry) })));
  const toDelete: InventoryEntry[] = [];
  for (const { entry, live } of reads) {
    if (live && isPruneDisabled(live)) protectedEntries.add(changeSetEntry(parseInventoryEntry(entry), 'skipped', `${PruneAnnotation}: disabled`));
    else toDelete.push(entry);
  }
  if (toDelete.length === 0) return protectedEntries;
  const pruned = await prune(client, toDelete, { pruneDisabledAnnotation: PruneAnnotation, pruneDisabledValue: 'disabled', ownerLabels: ownerLabels(owner.name, owner.namespace) });
  return pruned.add(...protectedEntries.entries);
}

/** The live object, or undefined when it is gone or cannot be read (the runtime's prune then reports why). */
async function readQuietly(client: KubeClient, entry: InventoryEntry): Promise<KubernetesObject | undefined> {
  const identity = parseInventoryEntry(entry);
  try {
    return await client.getIfExists({ apiVersion: formatApiVersion(identity), kind: identity.kind, name: identity.name, namespace: identity.namespace || undefined });
  } catch {
    return undefined;
  }
}
