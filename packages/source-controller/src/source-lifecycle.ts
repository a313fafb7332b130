// What every source kind does before its own steps: read from the cache, remove the artifacts of a deleted object
// and then its finalizer, add the finalizer, and do nothing while suspended.
import { SourceApiVersion, SourceFinalizer } from '@fluxion/api';
import { type KubeClient, type Logger, type ObjectKey, type Reflector, isNotFound } from '@fluxion/runtime';
import type { SourceObject } from './source-run.ts';
import type { ArtifactOwner, ArtifactStorage } from './storage.ts';

export interface SourceLifecycleOptions<T extends SourceObject> {
  kind: string;
  client: KubeClient;
  cache: Reflector<T>;
  storage: ArtifactStorage;
  isSuspended(object: T): boolean;
}

/**
 * The object to reconcile (with our finalizer), or undefined when there is nothing to do: gone, being deleted
 * (its artifacts and then the finalizer are removed) or suspended.
 */
export async function prepareSourceObject<T extends SourceObject>(
  options: SourceLifecycleOptions<T>,
  key: ObjectKey,
  log: Logger,
): Promise<{ object: T; owner: ArtifactOwner } | undefined> {
  await options.cache.hasSynced();
  const namespace = key.namespace ?? '';
  const owner: ArtifactOwner = { kind: options.kind, namespace, name: key.name };
  const cached = options.cache.get(namespace, key.name);
  if (!cached) {
    // Gone (perhaps without our finalizer): its artifacts must not outlive it.
    await options.storage.removeAll(owner);
    return undefined;
  }
  if (cached.metadata?.deletionTimestamp) {
    if (cached.metadata.finalizers?.includes(SourceFinalizer)) {
      await options.storage.removeAll(owner);
      await patchFinalizers(
        options,
        cached,
        (cached.metadata.finalizers ?? []).filter((name) => name !== SourceFinalizer),
      );
      log.info(`Removed the artifacts and the finalizer of a deleted ${options.kind}`);
    }
    return undefined;
  }
  const object = cached.metadata?.finalizers?.includes(SourceFinalizer)
    ? cached
    : ((await patchFinalizers(options, cached, [...(cached.metadata?.finalizers ?? []), SourceFinalizer])) ?? cached);
  if (options.isSuspended(object)) {
    log.info('Reconciliation is suspended for this object');
    return undefined;
  }
  return { object, owner };
}

async function patchFinalizers<T extends SourceObject>(
  options: SourceLifecycleOptions<T>,
  object: T,
  finalizers: string[],
): Promise<T | undefined> {
  const ref = {
    apiVersion: SourceApiVersion,
    kind: options.kind,
    name: object.metadata?.name ?? '',
    namespace: object.metadata?.namespace ?? '',
  };
  try {
    // resourceVersion makes it a compare-and-swap: a stale cache yields a conflict and a retry, never lost finalizers.
    return await options.client.patch<T>(
      ref,
      { metadata: { finalizers, resourceVersion: object.metadata?.resourceVersion } },
      'merge',
    );
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}
