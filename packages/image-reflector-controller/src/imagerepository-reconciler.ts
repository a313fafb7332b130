// ImageRepository → tags: suspend, spec, scan due?, credentials, list tags (paged), exclusion list, store,
// status and event — written only when the tag list or a condition changed.
import { type ImageRepository, ImageKind, ImageReason } from '@fluxion/api';
import {
  type EventRecorder,
  type KubeClient,
  type Logger,
  type ObjectKey,
  type ReconcileResult,
  type Reflector,
  formatConditionTime,
  isReconcileRequestPending,
  markFailed,
  markReady,
  markStalled,
  removeCondition,
  setLastHandledReconcileAt,
  setObservedGeneration,
  StatusPatcher,
} from '@fluxion/runtime';
import { ImageError } from './image-error.ts';
import { type ImageRepositoryPlan, planImageRepository } from './imagerepository-spec.ts';
import { recordEvent, writeStatusIfChanged } from './object-status.ts';
import type { ImageRegistry, RegistryAccess } from './registry.ts';
import { latestTags, TagStore } from './tag-store.ts';

type ImageRepositoryStatus = NonNullable<ImageRepository['status']>;

export type ResolveRegistryAccess = (
  client: KubeClient,
  namespace: string,
  plan: ImageRepositoryPlan,
) => Promise<RegistryAccess>;

export interface ImageRepositoryReconcilerOptions {
  client: KubeClient;
  cache: Reflector<ImageRepository>;
  store: TagStore;
  registry: ImageRegistry;
  resolveAccess: ResolveRegistryAccess;
  events: EventRecorder;
  /** Field manager for status (default `image-reflector-controller`). */
  fieldManager?: string;
}

export class ImageRepositoryReconciler {
  readonly #options: ImageRepositoryReconcilerOptions;
  readonly #status: StatusPatcher;

  constructor(options: ImageRepositoryReconcilerOptions) {
    this.#options = options;
    this.#status = new StatusPatcher(options.client, options.fieldManager ?? 'image-reflector-controller');
  }

  readonly reconcile = async (key: ObjectKey, log: Logger): Promise<ReconcileResult> => {
    const { cache, store } = this.#options;
    await cache.hasSynced();
    const namespace = key.namespace ?? '';
    const storeKey = TagStore.key(namespace, key.name);
    const object = cache.get(namespace, key.name);
    if (!object || object.metadata?.deletionTimestamp) {
      // Tags are a cache of the registry: nothing to clean up but memory.
      store.delete(storeKey);
      if (object) this.#status.forget(object);
      return {};
    }
    if (object.spec?.suspend) {
      log.info('Reconciliation is suspended for this object');
      return {};
    }

    const work: ImageRepository = { ...object, status: structuredClone(object.status ?? {}) };
    const status = work.status!;
    let plan: ImageRepositoryPlan;
    try {
      plan = planImageRepository(object.spec);
    } catch (error) {
      if (!(error instanceof ImageError)) throw error;
      markStalled(work, error.reason, error.message);
      await this.#finish(object, work, log, { type: 'Warning', reason: error.reason, message: error.message });
      return {};
    }
    removeCondition(work, 'Stalled');

    const stored = store.get(storeKey);
    const dueInMs = stored ? stored.scannedAt + plan.intervalMs - Date.now() : 0;
    const unchangedSpec =
      object.metadata?.generation === object.status?.observedGeneration &&
      object.status?.canonicalImageName === plan.image.canonicalName &&
      sameList(object.status?.observedExclusionList, plan.exclusionList.patterns);
    if (stored && dueInMs > 0 && unchangedSpec && !isReconcileRequestPending(object)) {
      // Woken early (a status write, a policy's watch): the interval has not passed, the tags are fresh.
      return { requeueAfter: dueInMs };
    }

    let tags: string[];
    try {
      const access = await this.#options.resolveAccess(this.#options.client, namespace, plan);
      const scanned = await this.#options.registry.listTags(plan.image, access, AbortSignal.timeout(plan.timeoutMs));
      tags = scanned.filter((tag) => !plan.exclusionList.excludes(tag));
    } catch (error) {
      if (!(error instanceof ImageError)) throw error;
      status.canonicalImageName = plan.image.canonicalName;
      if (error.stalled) markStalled(work, error.reason, error.message);
      else markFailed(work, error.reason, error.message);
      await this.#finish(object, work, log, { type: 'Warning', reason: error.reason, message: error.message });
      if (error.stalled) return {};
      // 429: come back when the registry said; anything else: the queue's backoff.
      if (error.retryAfterMs !== undefined) return { requeueAfter: error.retryAfterMs };
      throw error;
    }

    const entry = store.set(storeKey, tags);
    const previous = object.status?.lastScanResult;
    const changed = previous?.revision !== entry.revision || previous.tagCount !== tags.length;
    status.canonicalImageName = plan.image.canonicalName;
    status.observedExclusionList = plan.exclusionList.patterns;
    if (changed) {
      status.lastScanResult = {
        revision: entry.revision,
        tagCount: tags.length,
        scanTime: formatConditionTime(new Date(entry.scannedAt)),
        latestTags: latestTags(tags),
      };
    }
    const message = `successful scan: found ${tags.length} tags`;
    markReady(work, ImageReason.Succeeded, message);
    await this.#finish(
      object,
      work,
      log,
      changed ? { type: 'Normal', reason: ImageReason.Succeeded, message } : undefined,
    );
    if (changed) log.info({ tagCount: tags.length, revision: entry.revision }, 'Tag list changed');
    return { requeueAfter: plan.intervalMs };
  };

  async #finish(
    object: ImageRepository,
    work: ImageRepository,
    log: Logger,
    event: { type: 'Normal' | 'Warning'; reason: string; message: string } | undefined,
  ): Promise<void> {
    setObservedGeneration(work);
    setLastHandledReconcileAt(work);
    const before = object.status;
    const after = await writeStatusIfChanged(this.#status, object, work.status as ImageRepositoryStatus);
    // An event per change of state, not per scan: a failure repeated at every retry is one event with a count.
    if (event && (after !== object || event.type === 'Warning' || before === undefined)) {
      await recordEvent(this.#options.events, object, ImageKind.ImageRepository, event, log);
    }
    if (event?.type === 'Warning') log.error({ reason: event.reason }, event.message);
  }
}

function sameList(a: readonly string[] | undefined, b: readonly string[]): boolean {
  return a !== undefined && a.length === b.length && a.every((value, index) => value === b[index]);
}
