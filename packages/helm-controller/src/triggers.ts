// What makes a HelmRelease reconcile again: its own changes, its chart's new artifact, a dependency becoming Ready.
import type { HelmRelease } from '@fluxion/api';
import { ForceRequestAnnotation, ResetRequestAnnotation } from './reasons.ts';

const requestAnnotations = ['reconcile.fluxcd.io/requestedAt', ForceRequestAnnotation, ResetRequestAnnotation];

interface WithStatus {
  metadata?: { generation?: number; name?: string; namespace?: string };
  status?: {
    observedGeneration?: number;
    conditions?: Array<{ type: string; status: string }>;
    artifact?: { revision?: string; digest?: string; url?: string };
  };
}

/** A spec change, a requestedAt/forceAt/resetAt request, or the start of deletion; status-only updates are not. */
export function needsReconcile(previous: HelmRelease, current: HelmRelease): boolean {
  return (
    previous.metadata?.generation !== current.metadata?.generation ||
    requestAnnotations.some(
      (annotation) => previous.metadata?.annotations?.[annotation] !== current.metadata?.annotations?.[annotation],
    ) ||
    Boolean(current.metadata?.deletionTimestamp) !== Boolean(previous.metadata?.deletionTimestamp)
  );
}

/** Ready now and it was not, or Ready at a newer generation: its dependents may go ahead. */
export function becameReady(previous: WithStatus | undefined, current: WithStatus): boolean {
  const ready = (object: WithStatus | undefined) =>
    object?.status?.conditions?.some((condition) => condition.type === 'Ready' && condition.status === 'True') ?? false;
  if (!ready(current)) return false;
  return !ready(previous) || previous?.status?.observedGeneration !== current.status?.observedGeneration;
}

export function artifactChanged(previous: WithStatus | undefined, current: WithStatus): boolean {
  const before = previous?.status?.artifact;
  const after = current.status?.artifact;
  if (!after) return false;
  return before?.revision !== after.revision || before?.digest !== after.digest || before?.url !== after.url;
}
