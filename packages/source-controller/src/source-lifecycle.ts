// What every source kind does before its own steps: read from the cache, remove the artifacts of a deleted object
// and then its finalizer, add the finalizer, do nothing while suspended, drop a stored artifact that fails its digest;
// then a SourceRun for the kind's steps.
import { SourceApiVersion, SourceFinalizer } from '@fluxion/api';
import {
  type EventRecorder,
  type KubeClient,
  type Logger,
  type ObjectKey,
  type Reflector,
  isNotFound,
  StatusPatcher,
} from '@fluxion/runtime';
import { type SourceObject, SourceRun } from './source-run.ts';
import type { ArtifactOwner, ArtifactStorage } from './storage.ts';

/** A source object with Flux's `spec.suspend`. */
export interface SuspendableSource extends SourceObject {
  spec?: { suspend?: boolean };
}

/** What a source kind's reconciler is given; the kinds add their own options. */
export interface SourceReconcilerOptions<T extends SuspendableSource> {
  client: KubeClient;
  /** The kind's objects as the watch cache sees them; reconciles read from here. */
  cache: Reflector<T>;
  storage: ArtifactStorage;
  events: EventRecorder;
  /** Field manager for finalizers and status (default `source-controller`). */
  fieldManager?: string;
}

export class SourceLifecycle<T extends SuspendableSource> {
  readonly #kind: string;
  readonly #options: SourceReconcilerOptions<T>;
  readonly #statusPatcher: StatusPatcher;

  constructor(kind: string, options: SourceReconcilerOptions<T>) {
    this.#kind = kind;
    this.#options = options;
    this.#statusPatcher = new StatusPatcher(options.client, options.fieldManager ?? 'source-controller');
  }

  /**
   * A run of the kind's steps on the object (with our finalizer), or undefined when there is nothing to do: gone,
   * being deleted (its artifacts and then the finalizer are removed) or suspended.
   */
  async begin(key: ObjectKey, log: Logger): Promise<SourceRun<T> | undefined> {
    const { cache, storage, events } = this.#options;
    await cache.hasSynced();
    const namespace = key.namespace ?? '';
    const owner: ArtifactOwner = { kind: this.#kind, namespace, name: key.name };
    const cached = cache.get(namespace, key.name);
    if (!cached) {
      // Gone (perhaps without our finalizer): its artifacts must not outlive it.
      await storage.removeAll(owner);
      return undefined;
    }
    if (cached.metadata?.deletionTimestamp) {
      if (cached.metadata.finalizers?.includes(SourceFinalizer)) {
        await storage.removeAll(owner);
        await this.#patchFinalizers(
          cached,
          (cached.metadata.finalizers ?? []).filter((name) => name !== SourceFinalizer),
        );
        log.info(`Removed the artifacts and the finalizer of a deleted ${this.#kind}`);
      }
      return undefined;
    }
    const object = cached.metadata?.finalizers?.includes(SourceFinalizer)
      ? cached
      : ((await this.#patchFinalizers(cached, [...(cached.metadata?.finalizers ?? []), SourceFinalizer])) ?? cached);
    if (object.spec?.suspend) {
      log.info('Reconciliation is suspended for this object');
      return undefined;
    }
    const context = { kind: this.#kind, statusPatcher: this.#statusPatcher, events, storage };
    const run = new SourceRun<T>(context, object, owner, log);
    await run.dropCorruptArtifact();
    return run;
  }

  async #patchFinalizers(object: T, finalizers: string[]): Promise<T | undefined> {
    const ref = {
      apiVersion: SourceApiVersion,
      kind: this.#kind,
      name: object.metadata?.name ?? '',
      namespace: object.metadata?.namespace ?? '',
    };
    try {
      // resourceVersion makes it a compare-and-swap: a stale cache yields a conflict and a retry, never lost finalizers.
      return await this.#options.client.patch<T>(
        ref,
        { metadata: { finalizers, resourceVersion: object.metadata?.resourceVersion } },
        'merge',
      );
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }
}
