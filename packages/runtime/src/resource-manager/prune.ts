// Prune: delete what the previous inventory had and the new set does not, unless it is protected or not ours.
import type { KubernetesObject } from '@kubernetes/client-node';
import { NoKindMatchError } from '../api-discovery.ts';
import { isNotFound } from '../api-error.ts';
import type { KubeClient, ObjectRef } from '../client.ts';
import { formatApiVersion } from '../group-version-kind.ts';
import { stageOf, stageOrder } from './stages.ts';
import type { ChangeSetEntry, ObjectIdentity } from './change-set.ts';
import { ChangeSet, changeSetEntry } from './change-set.ts';
import { PruneError } from './errors.ts';
import type { InventoryEntry } from './inventory.ts';
import { parseInventoryEntry } from './inventory.ts';

export interface PruneOptions {
  /** An annotation that protects an object from pruning, e.g. `kustomize.toolkit.fluxcd.io/prune`. */
  pruneDisabledAnnotation?: string;
  /** The value of that annotation that protects (Flux: `disabled`). */
  pruneDisabledValue?: string;
  /** A caller's own rule, checked on the live object: a reason to keep it, or undefined to prune it. */
  keep?: (live: KubernetesObject) => string | undefined;
  /**
   * Labels an object must carry to be ours, e.g. `{ 'kustomize.toolkit.fluxcd.io/name': 'apps', ... }`.
   * An object without them now belongs to someone else and is left alone.
   */
  ownerLabels?: Record<string, string>;
  propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  dryRun?: boolean;
}

/**
 * Deletes the objects of `stale` (use `staleEntries(previous, current)`), namespaced objects first and
 * Namespaces/CRDs last. Objects already gone are left out of the change set.
 */
export async function prune(
  client: KubeClient,
  stale: readonly InventoryEntry[],
  options: PruneOptions = {},
): Promise<ChangeSet> {
  const changeSet = new ChangeSet();
  const identities = stale.map(parseInventoryEntry);
  const reverseStage = (identity: ObjectIdentity): number =>
    -stageOrder.indexOf(stageOf({ apiVersion: formatApiVersion(identity), kind: identity.kind }));
  identities.sort((a, b) => reverseStage(a) - reverseStage(b));
  const failures: string[] = [];
  for (const identity of identities) {
    try {
      const entry = await pruneOne(client, identity, options);
      if (entry) changeSet.add(entry);
    } catch (error) {
      failures.push(`${changeSetEntry(identity, 'deleted').subject} prune failed: ${(error as Error).message}`);
    }
  }
  if (failures.length > 0) throw new PruneError(failures.join('\n'), changeSet);
  return changeSet;
}

async function pruneOne(
  client: KubeClient,
  identity: ObjectIdentity,
  options: PruneOptions,
): Promise<ChangeSetEntry | undefined> {
  const ref: ObjectRef = {
    apiVersion: formatApiVersion(identity),
    kind: identity.kind,
    name: identity.name,
    namespace: identity.namespace || undefined,
  };
  let live: KubernetesObject | undefined;
  try {
    live = await client.getIfExists(ref);
  } catch (error) {
    // the CRD went first: its objects went with it
    if (error instanceof NoKindMatchError) return undefined;
    throw error;
  }
  if (!live) return undefined;
  const reasonToKeep = protection(live, options);
  if (reasonToKeep) return changeSetEntry(identity, 'skipped', reasonToKeep);
  if (live.metadata?.deletionTimestamp) return changeSetEntry(identity, 'deleted', 'already terminating');
  try {
    await client.delete(ref, {
      propagationPolicy: options.propagationPolicy ?? 'Background',
      ...(options.dryRun ? { dryRun: true } : {}),
      // delete exactly the object we checked, not a namesake created since
      ...(live.metadata?.uid ? { preconditions: { uid: live.metadata.uid } } : {}),
    });
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
  return changeSetEntry(identity, 'deleted');
}

function protection(live: KubernetesObject, options: PruneOptions): string | undefined {
  const kept = options.keep?.(live);
  if (kept) return kept;
  const annotations = live.metadata?.annotations ?? {};
  if (
    options.pruneDisabledAnnotation &&
    annotations[options.pruneDisabledAnnotation] === (options.pruneDisabledValue ?? 'disabled')
  ) {
    return `annotated ${options.pruneDisabledAnnotation}: ${options.pruneDisabledValue ?? 'disabled'}`;
  }
  const labels = live.metadata?.labels ?? {};
  for (const [key, value] of Object.entries(options.ownerLabels ?? {})) {
    if (labels[key] !== value)
      return `owned by someone else: label ${key} is ${labels[key] === undefined ? 'missing' : `"${labels[key]}"`}, not "${value}"`;
  }
  return undefined;
}
