// Prune with Flux's protections: objects marked `kustomize.toolkit.fluxcd.io/prune: disabled` (annotation or label,
// any letter case) and objects no longer labelled as ours stay; the rest is deleted by the runtime, in reverse stages.
import { prune, type ChangeSet, type InventoryEntry, type KubeClient } from '@fluxion/runtime';
import { isPruneDisabled, PruneAnnotation } from './apply-policy.ts';
import { ownerLabels } from './common-metadata.ts';

export async function pruneObjects(
  client: KubeClient,
  stale: readonly InventoryEntry[],
  owner: { name: string; namespace: string },
): Promise<ChangeSet> {
  return prune(client, stale, {
    keep: (live) => (isPruneDisabled(live) ? `${PruneAnnotation}: disabled` : undefined),
    ownerLabels: ownerLabels(owner.name, owner.namespace),
  });
}
