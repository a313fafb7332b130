// The status a reconcile writes: Flux's conditions, reasons and messages, and the history of distinct reconciliations.
import { createHash } from 'node:crypto';
import type { KustomizationStatus, Snapshot } from '@fluxion/api';
import { formatConditionTime, formatGoDuration, parseGoDuration } from '@fluxion/runtime';

export const HealthyCondition = 'Healthy';
export const historyLimit = 5;

export function appliedMessage(revision: string): string {
  return `Applied revision: ${revision}`;
}

export function progressingMessage(revision: string, timeoutMs: number): string {
  return `Fetching manifests for revision ${revision} with a timeout of ${formatGoDuration(timeoutMs)}`;
}

/** A digest of what was applied, so equal builds share a history entry. */
export function manifestsDigest(objects: readonly object[]): string {
  const hash = createHash('sha256');
  for (const object of objects) hash.update(JSON.stringify(object)).update('\n');
  return `sha256:${hash.digest('hex')}`;
}

export interface HistoryRecord {
  digest: string;
  revision: string;
  /** The Ready reason the reconciliation ended with. */
  status: string;
  startedAt: Date;
  finishedAt: Date;
}

/**
 * Newest first. A reconciliation with the digest and outcome of the newest entry updates it; anything else starts
 * a new entry. Returns the same array when `record` repeats the newest entry, so an unchanged reconcile writes nothing.
 */
export function recordHistory(history: readonly Snapshot[] | undefined, record: HistoryRecord): Snapshot[] | undefined {
  const newest = history?.[0];
  if (newest && newest.digest === record.digest && newest.lastReconciledStatus === record.status)
    return history ? [...history] : undefined;
  const entry: Snapshot = {
    digest: record.digest,
    firstReconciled: formatConditionTime(record.startedAt),
    lastReconciled: formatConditionTime(record.finishedAt),
    lastReconciledDuration: formatGoDuration(
      Math.max(0, Math.round(record.finishedAt.getTime() - record.startedAt.getTime())),
    ),
    lastReconciledStatus: record.status,
    totalReconciliations: 1,
    metadata: { revision: record.revision },
  };
  return [entry, ...(history ?? [])].slice(0, historyLimit);
}

/** The status fields this controller owns, for the status patcher (it removes what is left out). */
export function ownedStatus(status: KustomizationStatus): KustomizationStatus {
  const owned: KustomizationStatus = {};
  for (const key of [
    'observedGeneration',
    'conditions',
    'lastAppliedRevision',
    'lastAppliedOriginRevision',
    'lastAttemptedRevision',
    'lastHandledReconcileAt',
    'inventory',
    'history',
  ] as const) {
    if (status[key] !== undefined) (owned as Record<string, unknown>)[key] = status[key];
  }
  return owned;
}

/** A spec duration (`interval`, `timeout`) in milliseconds; the CRD validates the format, so a bad one falls back. */
export function durationOrDefault(text: string | undefined, fallbackMs: number): number {
  if (!text) return fallbackMs;
  try {
    return parseGoDuration(text);
  } catch {
    return fallbackMs;
  }
}
