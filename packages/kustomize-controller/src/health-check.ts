// Waits for objects to be Current (kstatus), starting from the copies the apply already returned, reading again only
// the objects still in progress, with one LIST per kind and namespace where many of ours are.
import { setTimeout as delay } from 'node:timers/promises';
import type { KubernetesObject } from '@kubernetes/client-node';
import {
  computeStatus,
  subjectOf,
  WaitCancelledError,
  WaitFailedError,
  WaitTimeoutError,
  type KStatusResult,
  type KubeClient,
  type ObjectRef,
} from '@fluxion/runtime';
import { objectSubjectKey } from './applied-objects.ts';

export interface HealthCheckOptions {
  timeoutMs: number;
  /** Aborted when a newer revision or spec supersedes the wait. */
  signal?: AbortSignal;
  /** Longest pause between two reads of the objects still in progress; the first reads come sooner. */
  maxIntervalMs?: number;
  /** Labels every object of `refs` carries (ours, with spec.wait): lets one LIST read many of a kind at once. */
  ownerLabels?: Record<string, string> | undefined;
  /** Called once, the first time some object is not yet Current after the copies at hand were looked at. */
  onPending?: (pending: number) => Promise<void> | void;
  /** The status of an object where kstatus is not the judge (spec.healthCheckExprs); kstatus's otherwise. */
  statusOf?: (object: KubernetesObject | undefined) => KStatusResult;
}

/** Below this many objects of one kind and namespace, GETs cost less than a LIST. */
const listThreshold = 3;
const firstIntervalMs = 250;

/**
 * Resolves when each object has been seen Current; an object once Current is not read again. Rejects with the runtime's
 * WaitFailedError at the first Failed object, WaitTimeoutError naming each object left, WaitCancelledError on abort.
 */
export async function waitForHealthy(
  client: KubeClient,
  refs: readonly ObjectRef[],
  known: ReadonlyMap<string, KubernetesObject>,
  options: HealthCheckOptions,
): Promise<void> {
  const deadline = performance.now() + options.timeoutMs;
  const maxIntervalMs = options.maxIntervalMs ?? 2_000;
  const statusOf = options.statusOf ?? computeStatus;
  // objects the apply did not return (a healthChecks entry, an ignored object) are read at once
  const unknown = refs.filter((ref) => !known.has(objectSubjectKey(ref)));
  let statuses = [
    ...refs.flatMap((ref) => {
      const object = known.get(objectSubjectKey(ref));
      return object ? [{ ref, status: statusOf(object) }] : [];
    }),
    ...(unknown.length > 0
      ? await read(
          client,
          unknown.map((ref) => ({ ref })),
          options.ownerLabels,
          statusOf,
        )
      : []),
  ];
  let intervalMs = firstIntervalMs;
  let reportedPending = false;
  for (let round = 0; ; round++) {
    throwIfCancelled(options.signal, refs.length);
    if (round > 0) statuses = await read(client, statuses, options.ownerLabels, statusOf);
    const failed = statuses.filter((entry) => entry.status.status === 'Failed');
    if (failed.length > 0) throw new WaitFailedError(failed.map(describe));
    statuses = statuses.filter((entry) => entry.status.status !== 'Current');
    if (statuses.length === 0) return;
    if (!reportedPending) {
      reportedPending = true;
      await options.onPending?.(statuses.length);
    }
    if (performance.now() >= deadline) throw new WaitTimeoutError(options.timeoutMs, statuses.map(describe));
    await delay(
      Math.min(intervalMs, Math.max(0, deadline - performance.now())),
      undefined,
      options.signal ? { signal: options.signal } : {},
    ).catch(() => undefined);
    intervalMs = Math.min(maxIntervalMs, intervalMs * 2);
  }
}

interface Pending {
  ref: ObjectRef;
  status: KStatusResult;
}

async function read(
  client: KubeClient,
  pending: ReadonlyArray<Pick<Pending, 'ref'>>,
  ownerLabels: Record<string, string> | undefined,
  statusOf: (object: KubernetesObject | undefined) => KStatusResult,
): Promise<Pending[]> {
  const groups = new Map<string, Array<Pick<Pending, 'ref'>>>();
  for (const entry of pending) {
    const key = `${entry.ref.apiVersion}|${entry.ref.kind}|${entry.ref.namespace ?? ''}`;
    groups.set(key, [...(groups.get(key) ?? []), entry]);
  }
  const read = await Promise.all(
    [...groups.values()].map(async (members) => {
      const listed =
        ownerLabels && members.length >= listThreshold
          ? await listOwned(client, members[0]!.ref, ownerLabels)
          : undefined;
      return Promise.all(
        members.map(async ({ ref }) => ({
          ref,
          status: statusOf(listed ? listed.get(ref.name) : await client.getIfExists(ref)),
        })),
      );
    }),
  );
  return read.flat();
}

/** Our objects of one kind in one namespace by name; undefined when listing is not allowed (GETs then). */
async function listOwned(
  client: KubeClient,
  ref: ObjectRef,
  ownerLabels: Record<string, string>,
): Promise<Map<string, KubernetesObject> | undefined> {
  const [group, version] = ref.apiVersion.includes('/') ? ref.apiVersion.split('/') : ['', ref.apiVersion];
  const labelSelector = Object.entries(ownerLabels)
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
  try {
    const { items } = await client.list(
      { group: group ?? '', version: version ?? '', kind: ref.kind },
      { namespace: ref.namespace, labelSelector },
    );
    return new Map(items.map((item) => [item.metadata?.name ?? '', item]));
  } catch {
    return undefined;
  }
}

function throwIfCancelled(signal: AbortSignal | undefined, count: number): void {
  if (signal?.aborted)
    throw new WaitCancelledError(`wait for ${count} objects cancelled: ${String(signal.reason ?? 'aborted')}`);
}

function describe({ ref, status }: Pending): string {
  const subject = subjectOf({ kind: ref.kind, namespace: ref.namespace ?? '', name: ref.name });
  return `${subject} status: '${status.status}'${status.message ? `: ${status.message}` : ''}`;
}
