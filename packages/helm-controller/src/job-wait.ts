// Helm's wait for Jobs, which Flux asks for unless `disableWaitForJobs`: kstatus counts a running Job as Current, so
// after the kstatus wait the release's Jobs must also have completed; a failed one fails the release.
import { setTimeout as sleep } from 'node:timers/promises';
import {
  subjectOf,
  WaitCancelledError,
  WaitFailedError,
  WaitTimeoutError,
  type KubeClient,
  type ObjectRef,
} from '@fluxion/runtime';

interface JobObject {
  kind?: string;
  status?: { conditions?: Array<{ type: string; status: string; reason?: string; message?: string }> };
}

export const isJob = (ref: ObjectRef): boolean => ref.kind === 'Job' && ref.apiVersion === 'batch/v1';

export interface JobWaitOptions {
  /** performance.now() at which the whole health wait ends. */
  deadline: number;
  timeoutMs: number;
  intervalMs: number;
  signal?: AbortSignal | undefined;
}

/** Resolves once every Job completed (or is gone); WaitFailedError for a failed one, WaitTimeoutError past the deadline. */
export async function waitForJobs(
  client: KubeClient,
  jobs: readonly ObjectRef[],
  options: JobWaitOptions,
): Promise<void> {
  for (;;) {
    if (options.signal?.aborted)
      throw new WaitCancelledError(
        `wait for ${jobs.length} Jobs cancelled: ${String(options.signal.reason ?? 'aborted')}`,
      );
    const pending: string[] = [];
    for (const ref of jobs) {
      const job = await client.getIfExists<JobObject>(ref);
      const conditions = job?.status?.conditions ?? [];
      if (!job || conditions.some((c) => c.type === 'Complete' && c.status === 'True')) continue;
      const subject = subjectOf({ kind: 'Job', namespace: ref.namespace ?? '', name: ref.name });
      const failed = conditions.find((c) => c.type === 'Failed' && c.status === 'True');
      if (failed) throw new WaitFailedError([`${subject} status: 'Failed': ${failed.message || failed.reason || ''}`]);
      pending.push(`${subject} status: 'InProgress': Job not complete`);
    }
    if (pending.length === 0) return;
    if (performance.now() >= options.deadline) throw new WaitTimeoutError(options.timeoutMs, pending);
    const wait = Math.min(options.intervalMs, Math.max(0, options.deadline - performance.now()));
    // an abort ends the sleep early; the loop's first line reports it
    await sleep(wait, undefined, options.signal ? { signal: options.signal } : {}).catch(() => undefined);
  }
}
