// What makes a Kustomization reconcile again: its own changes, its source's new artifact, a dependency becoming Ready.
import type { Kustomization } from '@fluxion/api';
import type { SourceObject } from './source-index.ts';

const RequestedAtAnnotation = 'reconcile.fluxcd.io/requestedAt';

/** A spec change, a `reconcile.fluxcd.io/requestedAt` request, or the start of deletion. Status-only updates are not. */
export function needsReconcile(previous: Kustomization, current: Kustomization): boolean {
  return (
    previous.metadata?.generation !== current.metadata?.generation ||
    previous.metadata?.annotations?.[RequestedAtAnnotation] !==
      current.metadata?.annotations?.[RequestedAtAnnotation] ||
    Boolean(current.metadata?.deletionTimestamp) !== Boolean(previous.metadata?.deletionTimestamp) ||
    previous.metadata?.labels?.['sharding.fluxcd.io/key'] !== current.metadata?.labels?.['sharding.fluxcd.io/key']
  );
}

/** Ready now, and it was not, or it applied a new revision: its dependents may go ahead. */
export function becameReady(previous: Kustomization | undefined, current: Kustomization): boolean {
  const ready = (object: Kustomization | undefined) =>
    object?.status?.conditions?.some((condition) => condition.type === 'Ready' && condition.status === 'True') ?? false;
  if (!ready(current)) return false;
  return (
    !ready(previous) ||
    previous?.status?.lastAppliedRevision !== current.status?.lastAppliedRevision ||
    previous?.status?.observedGeneration !== current.status?.observedGeneration
  );
}

/** The source has an artifact with another revision or digest than before (or its first one). */
export function artifactChanged(previous: SourceObject | undefined, current: SourceObject): boolean {
  const before = previous?.status?.artifact;
  const after = current.status?.artifact;
  if (!after) return false;
  return before?.revision !== after.revision || before?.digest !== after.digest || before?.url !== after.url;
}
