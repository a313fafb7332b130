// Deleting a Kustomization: wait for dependents being deleted, delete (or orphan) its objects per deletionPolicy, drop the finalizer.
import type { Kustomization } from '@fluxion/api';
import {
  type EventRecorder,
  type KubeClient,
  type Logger,
  type ObjectRef,
  type ReconcileResult,
  type Reflector,
} from '@fluxion/runtime';
import type { HealthWaits } from '@fluxion/runtime';
import type { ClusterClients } from './cluster-clients.ts';
import { dependencyKeys, dependentsBlockingTeardown, dependentsOf, keyOf } from './dependencies.ts';
import { inventoryRefs } from './inventory.ts';
import { durationOrDefault } from './kustomization-status.ts';
import { pruneObjects } from './prune-objects.ts';

export const KustomizationFinalizer = 'finalizers.fluxcd.io';

export interface FinalizeDeps {
  client: KubeClient;
  kustomizations: Reflector<Kustomization>;
  clusters: ClusterClients;
  events: EventRecorder;
  waits: HealthWaits;
  log: Logger;
}

const teardownPollMs = 1_000;
/** How long a deleted dependency waits to see whether its dependents are being deleted too. */
export const teardownGraceMs = 5_000;

/** True when deleting the Kustomization deletes its objects: Delete, WaitForTermination, or MirrorPrune with prune on. */
export function deletesObjects(kustomization: Kustomization): boolean {
  const policy = kustomization.spec?.deletionPolicy ?? 'MirrorPrune';
  if (kustomization.spec?.suspend) return false;
  return (
    policy === 'Delete' ||
    policy === 'WaitForTermination' ||
    (policy === 'MirrorPrune' && Boolean(kustomization.spec?.prune))
  );
}

export async function finalizeKustomization(
  kustomization: Kustomization,
  deps: FinalizeDeps,
): Promise<ReconcileResult> {
  if (!kustomization.metadata?.finalizers?.includes(KustomizationFinalizer)) return {};
  const key = keyOf(kustomization);
  deps.waits.cancel(key, 'the Kustomization is being deleted');

  // reverse dependency order: what depends on us goes first
  const all = deps.kustomizations.list();
  const blockers = dependentsBlockingTeardown(key, all);
  if (blockers.length > 0) {
    deps.log.info({ dependents: blockers.map(keyOf) }, 'Waiting for dependents to be deleted first');
    return { requeueAfter: teardownPollMs * 2 };
  }
  // `kubectl delete -f` deletes in file order: give dependents deleted in the same breath time to be seen as such
  const graceLeftMs = Date.parse(String(kustomization.metadata.deletionTimestamp)) + teardownGraceMs - Date.now();
  if (graceLeftMs > 0 && dependentsOf(key, all).length > 0) return { requeueAfter: graceLeftMs };

  const inventory = kustomization.status?.inventory;
  if (deletesObjects(kustomization) && inventory?.entries.length) {
    const target = await deps.clusters.forKustomization(kustomization);
    const changeSet = await pruneObjects(target, inventory.entries, {
      name: kustomization.metadata?.name ?? '',
      namespace: kustomization.metadata?.namespace ?? '',
    });
    if (changeSet.hasChanges) deps.log.info({ deleted: changeSet.changes.length }, 'Deleted the applied objects');
    // a dependency being torn down waits for our objects, so they must be gone, not just marked for deletion
    const dependencyDeleting = dependencyKeys(kustomization).some((dependencyKey) => {
      const [namespace = '', name = ''] = dependencyKey.split('/');
      return Boolean(deps.kustomizations.get(namespace, name)?.metadata?.deletionTimestamp);
    });
    if (kustomization.spec?.deletionPolicy === 'WaitForTermination' || dependencyDeleting) {
      const deleted = new Set(
        changeSet.entries.filter((entry) => entry.action === 'deleted').map((entry) => entry.subject),
      );
      const refs = inventoryRefs(inventory).filter((ref) => deleted.has(subjectOfRef(ref)));
      const timeoutMs = durationOrDefault(kustomization.spec?.timeout ?? kustomization.spec?.interval, 5 * 60_000);
      const remaining = await waitUntilGone(target, refs, timeoutMs);
      if (remaining.length > 0) {
        deps.log.info({ remaining }, 'Objects are still terminating');
        return { requeueAfter: teardownPollMs };
      }
    }
  }

  const finalizers = (kustomization.metadata.finalizers ?? []).filter(
    (finalizer) => finalizer !== KustomizationFinalizer,
  );
  await deps.client.patch(
    {
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      namespace: kustomization.metadata.namespace,
      name: kustomization.metadata.name ?? '',
    },
    { metadata: { finalizers, resourceVersion: kustomization.metadata.resourceVersion } },
    'merge',
  );
  deps.log.info('Finalizer removed');
  return {};
}

/** Polls until none of `refs` exists, up to a bounded time per call; returns those still there. */
async function waitUntilGone(client: KubeClient, refs: readonly ObjectRef[], timeoutMs: number): Promise<string[]> {
  const deadline = Date.now() + Math.min(timeoutMs, 10_000);
  for (;;) {
    const present = (
      await Promise.all(refs.map(async (ref) => ((await client.getIfExists(ref)) ? subjectOfRef(ref) : undefined)))
    ).filter((subject): subject is string => subject !== undefined);
    if (present.length === 0 || Date.now() >= deadline) return present;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

function subjectOfRef(ref: ObjectRef): string {
  return ref.namespace ? `${ref.kind}/${ref.namespace}/${ref.name}` : `${ref.kind}/${ref.name}`;
}
