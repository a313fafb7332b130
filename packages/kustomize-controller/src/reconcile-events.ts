// Which successful reconciles deserve an Event: a change in the cluster, or a recovery. An unchanged reconcile is
// silent, so the notification-controller is not fed a "no changes" message at every interval.
import type { ChangeSet } from '@fluxion/runtime';
import { appliedMessage } from './kustomization-status.ts';

export interface SucceededReconcile {
  /** What the apply and prune did. */
  changeSet: ChangeSet;
  revision: string;
  /** The revision differs from the last one applied. */
  revisionChanged: boolean;
  /** Ready was False before this reconcile: it recovered. */
  recovered: boolean;
  /** The Healthy message when the health check passed and was not passing before. */
  healthRecovered: string | undefined;
}

/** The message of the ReconciliationSucceeded Event, or undefined when nothing happened worth one. */
export function succeededEventMessage(reconcile: SucceededReconcile): string | undefined {
  const changes = reconcile.changeSet.toString();
  if (!changes && !reconcile.recovered && !reconcile.healthRecovered) return undefined;
  const lines = [changes, reconcile.healthRecovered ?? ''].filter(Boolean);
  if (reconcile.revisionChanged || reconcile.recovered || !changes) lines.push(appliedMessage(reconcile.revision));
  return lines.join('\n');
}
