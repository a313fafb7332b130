// watcher: list, then watch from the list's resourceVersion, forever; relists on 410, backs off, restarts silent watches.
import type { KubernetesObject, V1Status } from '@kubernetes/client-node';
import { KubeApiError, isGone } from './api-error.ts';
import { ExponentialBackoff, sleep } from './backoff.ts';
import type { KubeClient } from './client.ts';
import type { GroupVersionKind } from './group-version-kind.ts';
import { formatApiVersion } from './group-version-kind.ts';

/**
 * What a watcher yields (kube-rs style). A (re)list is framed by `InitStarted` ... `InitDone`, so a store can
 * swap its whole content at once and notice what was deleted while it was not watching.
 */
export type WatcherEvent<T extends KubernetesObject> =
  | { type: 'InitStarted' }
  | { type: 'InitApply'; object: T }
  | { type: 'InitDone'; resourceVersion: string }
  | { type: 'Apply'; object: T }
  | { type: 'Delete'; object: T };

/** Why the watcher reconnected or relisted: for logs and metrics, never for control flow. */
export type WatcherDiagnostic =
  | { type: 'listed'; count: number; resourceVersion: string }
  | { type: 'watch-opened'; resourceVersion: string }
  | { type: 'watch-ended'; resourceVersion: string }
  | { type: 'gone'; resourceVersion: string; message: string }
  | { type: 'silent'; resourceVersion: string; silentForMs: number }
  | { type: 'error'; error: Error; retryInMs: number };

export interface WatcherOptions {
  namespace?: string | undefined;
  labelSelector?: string | undefined;
  fieldSelector?: string | undefined;
  /** No event and no bookmark for this long: the connection is presumed dead and reopened (default 5 min). */
  silentTimeoutMs?: number;
  /** Server-side watch timeout, randomised between this and twice this, like client-go (default 5 min). */
  watchTimeoutSeconds?: number;
  backoff?: ExponentialBackoff;
  signal?: AbortSignal;
  onDiagnostic?: (diagnostic: WatcherDiagnostic) => void;
}

interface RawWatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: KubernetesObject | V1Status;
}

class RelistNeeded extends Error {}

export async function* watcher<T extends KubernetesObject>(
  client: KubeClient,
  gvk: GroupVersionKind,
  options: WatcherOptions = {},
): AsyncGenerator<WatcherEvent<T>> {
  const backoff = options.backoff ?? new ExponentialBackoff();
  const signal = options.signal;
  const report = (diagnostic: WatcherDiagnostic): void => {
    try {
      options.onDiagnostic?.(diagnostic);
    } catch {
      // a broken logger must not stop the watch
    }
  };
  let resourceVersion: string | undefined;

  while (!signal?.aborted) {
    try {
      if (resourceVersion === undefined) {
        const listed = await client.list<T>(gvk, options);
        yield { type: 'InitStarted' };
        for (const object of listed.items) yield { type: 'InitApply', object };
        yield { type: 'InitDone', resourceVersion: listed.resourceVersion };
        resourceVersion = listed.resourceVersion;
        report({ type: 'listed', count: listed.items.length, resourceVersion });
        backoff.reset();
      }
      let received = 0;
      for await (const event of watchOnce<T>(client, gvk, resourceVersion, options, report, backoff)) {
        received += 1;
        resourceVersion = event.resourceVersion;
        if (event.event) yield event.event;
      }
      // a server that closes watches at once must not be hammered
      if (received === 0) await sleep(backoff.next(), signal);
    } catch (error) {
      if (signal?.aborted) break;
      if (error instanceof RelistNeeded || isGone(error)) {
        report({ type: 'gone', resourceVersion: resourceVersion ?? '', message: (error as Error).message });
        resourceVersion = undefined;
        continue;
      }
      const retryInMs = backoff.next();
      report({ type: 'error', error: error as Error, retryInMs });
      await sleep(retryInMs, signal);
    }
  }
}

/** One watch connection; yields each event with the resourceVersion to resume from. Ends when the server ends it. */
async function* watchOnce<T extends KubernetesObject>(
  client: KubeClient,
  gvk: GroupVersionKind,
  resourceVersion: string,
  options: WatcherOptions,
  report: (diagnostic: WatcherDiagnostic) => void,
  backoff: ExponentialBackoff,
): AsyncGenerator<{ resourceVersion: string; event?: WatcherEvent<T> }> {
  const watchTimeoutSeconds = options.watchTimeoutSeconds ?? 300;
  const stream = await client.openWatch(gvk, {
    namespace: options.namespace,
    labelSelector: options.labelSelector,
    fieldSelector: options.fieldSelector,
    resourceVersion,
    allowWatchBookmarks: true,
    timeoutSeconds: Math.round(watchTimeoutSeconds * (1 + Math.random())),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  // stopped while the watch was being opened: that abort event has fired already and will not again
  if (options.signal?.aborted) {
    stream.close();
    return;
  }
  report({ type: 'watch-opened', resourceVersion });
  const silentTimeoutMs = options.silentTimeoutMs ?? 300_000;
  let lastActivity = performance.now();
  let silent = false;
  const silenceCheck = setInterval(
    () => {
      if (performance.now() - lastActivity >= silentTimeoutMs) {
        silent = true;
        stream.close();
      }
    },
    Math.min(silentTimeoutMs / 4, 5_000),
  );
  const onAbort = (): void => stream.close();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  let current = resourceVersion;
  try {
    for await (const line of stream.lines) {
      lastActivity = performance.now();
      if (!line.trim()) continue;
      const raw = JSON.parse(line) as RawWatchEvent;
      if (raw.type === 'ERROR') {
        const status = raw.object as V1Status;
        if (status.code === 410) throw new RelistNeeded(status.message ?? 'resourceVersion too old');
        throw KubeApiError.fromStatus('WATCH', `${formatApiVersion(gvk)} ${gvk.kind}`, status);
      }
      const object = raw.object as T;
      current = object.metadata?.resourceVersion ?? current;
      backoff.reset();
      if (raw.type === 'BOOKMARK') yield { resourceVersion: current };
      else if (raw.type === 'DELETED') yield { resourceVersion: current, event: { type: 'Delete', object } };
      else yield { resourceVersion: current, event: { type: 'Apply', object } };
    }
  } finally {
    clearInterval(silenceCheck);
    options.signal?.removeEventListener('abort', onAbort);
    stream.close();
  }
  if (silent) report({ type: 'silent', resourceVersion: current, silentForMs: silentTimeoutMs });
  else report({ type: 'watch-ended', resourceVersion: current });
}
