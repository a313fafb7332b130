// Waits for a set of objects to become Current (kstatus), with a timeout and an AbortSignal a newer revision can fire.
import { sleep } from '../backoff.ts';
import type { KubeClient, ObjectRef } from '../client.ts';
import type { KStatusResult } from '../kstatus.ts';
import { computeStatus } from '../kstatus.ts';
import { subjectOf } from './change-set.ts';
import { WaitCancelledError, WaitFailedError, WaitTimeoutError } from './errors.ts';

export interface WaitOptions {
  timeoutMs: number;
  /** How often objects are read again (default 2 s). */
  intervalMs?: number;
  /** Abort to give up at once, e.g. when a new revision arrives; the wait rejects with WaitCancelledError. */
  signal?: AbortSignal;
  /** Reject as soon as one object is Failed instead of waiting for the timeout. */
  failFast?: boolean;
  /** Called after each round with every object's status, for progress reporting. */
  onProgress?: (statuses: ObjectStatus[]) => void;
}

export interface ObjectStatus {
  subject: string;
  ref: ObjectRef;
  status: KStatusResult;
}

/** Resolves with the final statuses when all are Current; rejects with a message naming each one that is not. */
export async function waitForCurrent(
  client: KubeClient,
  refs: readonly ObjectRef[],
  options: WaitOptions,
): Promise<ObjectStatus[]> {
  const deadline = performance.now() + options.timeoutMs;
  const intervalMs = options.intervalMs ?? 2_000;
  for (;;) {
    if (options.signal?.aborted)
      throw new WaitCancelledError(
        `wait for ${refs.length} objects cancelled: ${String(options.signal.reason ?? 'aborted')}`,
      );
    const statuses = await Promise.all(refs.map((ref) => statusOf(client, ref)));
    options.onProgress?.(statuses);
    const notCurrent = statuses.filter((entry) => entry.status.status !== 'Current');
    if (notCurrent.length === 0) return statuses;
    const failed = notCurrent.filter((entry) => entry.status.status === 'Failed');
    if (options.failFast && failed.length > 0) throw new WaitFailedError(failed.map(describe));
    if (performance.now() >= deadline) throw new WaitTimeoutError(options.timeoutMs, notCurrent.map(describe));
    await sleep(Math.min(intervalMs, Math.max(0, deadline - performance.now())), options.signal);
  }
}

async function statusOf(client: KubeClient, ref: ObjectRef): Promise<ObjectStatus> {
  const subject = subjectOf({ kind: ref.kind, namespace: ref.namespace ?? '', name: ref.name });
  const live = await client.getIfExists(ref);
  return { subject, ref, status: computeStatus(live) };
}

function describe(entry: ObjectStatus): string {
  return `${entry.subject} status: '${entry.status.status}'${entry.status.message ? `: ${entry.status.message}` : ''}`;
}
