// OCIRepository → artifact: finalizer, suspend, spec, registry access, resolve the digest (HEAD), pull the layer only
// when the digest or the spec changed, extract or copy it, filter, store, status and events.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type OCIRepository, ConditionType, Reason, SourceApiVersion, SourceFinalizer } from '@fluxion/api';
import {
  type EventRecorder,
  type KubeClient,
  type Logger,
  type ObjectKey,
  type ReconcileResult,
  type Reflector,
  isNotFound,
  markFailed,
  markReady,
  markStalled,
  RegistryClient,
  removeCondition,
  setCondition,
  setLastHandledReconcileAt,
  setObservedGeneration,
  StatusPatcher,
} from '@fluxion/runtime';
import { SecretError } from '@fluxion/runtime';
import { InvalidSpecError } from './gitrepository-spec.ts';
import { ReconcileFailure, revisionAnnotation } from './gitrepository-reconciler.ts';
import { resolveRegistryAccess } from './ocirepository-access.ts';
import {
  defaultPullLimits,
  OciPullError,
  pullLayer,
  resolveArtifact,
  type PullLimits,
  type ResolvedArtifact,
} from './ocirepository-pull.ts';
import { type OCIRepositoryPlan, validateOCIRepositorySpec } from './ocirepository-spec.ts';
import { loadIgnoreMatcher, SourceIgnoreError } from './source-ignore.ts';
import { stableJson } from './stable-json.ts';
import { type Artifact, type ArtifactOwner, ArtifactStorage } from './storage.ts';
import { StorageError } from './storage-error.ts';

export const ociRepositoryKind = 'OCIRepository';

type OCIRepositoryStatus = NonNullable<OCIRepository['status']>;

export interface OCIRepositoryReconcilerOptions {
  client: KubeClient;
  cache: Reflector<OCIRepository>;
  storage: ArtifactStorage;
  events: EventRecorder;
  fieldManager?: string;
  workDirectory?: string;
  limits?: PullLimits;
}

export class OCIRepositoryReconciler {
  readonly #client: KubeClient;
  readonly #cache: Reflector<OCIRepository>;
  readonly #storage: ArtifactStorage;
  readonly #events: EventRecorder;
  readonly #statusPatcher: StatusPatcher;
  readonly workDirectory: string;
  readonly limits: PullLimits;

  constructor(options: OCIRepositoryReconcilerOptions) {
    this.#client = options.client;
    this.#cache = options.cache;
    this.#storage = options.storage;
    this.#events = options.events;
    this.#statusPatcher = new StatusPatcher(options.client, options.fieldManager ?? 'source-controller');
    this.workDirectory = options.workDirectory ?? tmpdir();
    this.limits = options.limits ?? defaultPullLimits;
  }

  get storage(): ArtifactStorage {
    return this.#storage;
  }

  get client(): KubeClient {
    return this.#client;
  }

  readonly reconcile = async (key: ObjectKey, log: Logger): Promise<ReconcileResult> => {
    await this.#cache.hasSynced();
    const namespace = key.namespace ?? '';
    const owner: ArtifactOwner = { kind: ociRepositoryKind, namespace, name: key.name };
    const cached = this.#cache.get(namespace, key.name);
    if (!cached) {
      await this.#storage.removeAll(owner);
      return {};
    }
    if (cached.metadata?.deletionTimestamp) {
      if (cached.metadata.finalizers?.includes(SourceFinalizer)) {
        await this.#storage.removeAll(owner);
        await this.#patchFinalizers(
          cached,
          (cached.metadata.finalizers ?? []).filter((finalizer) => finalizer !== SourceFinalizer),
        );
        log.info('Removed the artifacts and the finalizer of a deleted OCIRepository');
      }
      return {};
    }
    const object = cached.metadata?.finalizers?.includes(SourceFinalizer)
      ? cached
      : await this.#patchFinalizers(cached, [...(cached.metadata?.finalizers ?? []), SourceFinalizer]);
    if (object.spec?.suspend) {
      log.info('Reconciliation is suspended for this object');
      return {};
    }
    return new OciReconcileRun(this, object, owner, log).execute();
  };

  async writeStatus(object: OCIRepository, status: OCIRepositoryStatus): Promise<OCIRepository> {
    if (stableJson(status) === stableJson(object.status ?? {})) return object;
    return (await this.#statusPatcher.patch(object, status)).object;
  }

  async recordEvent(
    object: OCIRepository,
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
    log: Logger,
    revision?: string,
  ): Promise<void> {
    try {
      await this.#events.record({
        object: { ...object, apiVersion: SourceApiVersion, kind: ociRepositoryKind },
        type,
        reason,
        message,
        ...(revision ? { annotations: { [revisionAnnotation]: revision } } : {}),
      });
    } catch (error) {
      log.warn({ err: error, reason }, 'Could not record an event');
    }
  }

  async #patchFinalizers(object: OCIRepository, finalizers: string[]): Promise<OCIRepository> {
    const ref = {
      apiVersion: SourceApiVersion,
      kind: ociRepositoryKind,
      name: object.metadata?.name ?? '',
      namespace: object.metadata?.namespace ?? '',
    };
    try {
      // resourceVersion makes it a compare-and-swap: a stale cache yields a conflict and a retry.
      return await this.#client.patch<OCIRepository>(
        ref,
        { metadata: { finalizers, resourceVersion: object.metadata?.resourceVersion } },
        'merge',
      );
    } catch (error) {
      if (isNotFound(error)) return object;
      throw error;
    }
  }
}

class OciReconcileRun {
  readonly #reconciler: OCIRepositoryReconciler;
  readonly #owner: ArtifactOwner;
  readonly #log: Logger;
  #object: OCIRepository;
  readonly #work: OCIRepository;

  constructor(reconciler: OCIRepositoryReconciler, object: OCIRepository, owner: ArtifactOwner, log: Logger) {
    this.#reconciler = reconciler;
    this.#object = object;
    this.#owner = owner;
    this.#log = log;
    this.#work = { ...object, status: structuredClone(object.status ?? {}) };
  }

  get #status(): OCIRepositoryStatus {
    return this.#work.status!;
  }

  async execute(): Promise<ReconcileResult> {
    let plan: OCIRepositoryPlan;
    try {
      plan = validateOCIRepositorySpec(this.#object.spec);
    } catch (error) {
      if (!(error instanceof InvalidSpecError)) throw error;
      markStalled(this.#work, error.reason, error.message);
      await this.#finish();
      await this.#reconciler.recordEvent(this.#object, 'Warning', error.reason, error.message, this.#log);
      this.#log.error({ reason: error.reason }, error.message);
      return {};
    }
    removeCondition(this.#work, 'Stalled');
    removeCondition(this.#work, ConditionType.SourceVerified);

    const access = await this.#step(
      ConditionType.FetchFailed,
      () => resolveRegistryAccess(this.#reconciler.client, this.#owner.namespace, plan),
      SecretError,
    );
    const registry = new RegistryClient(access);
    try {
      const resolved = await this.#step(ConditionType.FetchFailed, () => resolveArtifact(registry, plan), OciPullError);
      if (await this.#artifactUpToDate(plan, resolved)) {
        // The digest is unchanged: nothing was downloaded, the stored artifact stands.
        removeCondition(this.#work, ConditionType.FetchFailed);
        this.#status.artifact = {
          ...this.#status.artifact!,
          url: this.#reconciler.storage.artifactUrl(this.#status.artifact!.path),
        };
        this.#status.url = this.#reconciler.storage.artifactUrl(this.#status.artifact.path);
      } else {
        await this.#pullAndStore(registry, plan, resolved);
      }
    } finally {
      registry.close();
    }

    const message = `stored artifact for digest '${this.#status.artifact!.revision}'`;
    removeCondition(this.#work, ConditionType.ArtifactOutdated);
    removeCondition(this.#work, ConditionType.StorageOperationFailed);
    setCondition(this.#work, {
      type: ConditionType.ArtifactInStorage,
      status: 'True',
      reason: Reason.Succeeded,
      message,
    });
    markReady(this.#work, Reason.Succeeded, message);
    await this.#finish();
    return { requeueAfter: plan.intervalMs };
  }

  async #pullAndStore(registry: RegistryClient, plan: OCIRepositoryPlan, resolved: ResolvedArtifact): Promise<void> {
    const previous = this.#object.status?.artifact;
    if (previous && previous.revision !== resolved.revision) {
      setCondition(this.#work, {
        type: ConditionType.ArtifactOutdated,
        status: 'True',
        reason: Reason.NewRevision,
        message: `new revision '${resolved.revision}' for '${plan.url}'`,
      });
    }
    const workDirectory = await mkdtemp(
      join(this.#reconciler.workDirectory, `ocirepository-${this.#owner.namespace}-${this.#owner.name}-`),
    );
    try {
      const pulled = await this.#step(
        ConditionType.FetchFailed,
        () => pullLayer(registry, plan, resolved, workDirectory, this.#reconciler.limits),
        OciPullError,
      );
      removeCondition(this.#work, ConditionType.FetchFailed);
      const storage = this.#reconciler.storage;
      const fileName = artifactFileName(resolved.digest, plan);
      const artifact = await this.#step(
        ConditionType.StorageOperationFailed,
        async (): Promise<Artifact> => {
          let stored: Artifact;
          if (pulled.operation === 'copy') {
            stored = await storage.write(this.#owner, resolved.revision, fileName, createReadStream(pulled.path));
          } else {
            const ignore = await loadIgnoreMatcher(pulled.path, plan.ignore);
            stored = await storage.archive(this.#owner, resolved.revision, pulled.path, {
              fileName,
              exclude: (path, isDirectory) => ignore.excludes(path, isDirectory),
            });
          }
          await storage.linkLatest(stored);
          return stored;
        },
        [StorageError, SourceIgnoreError],
        Reason.ArchiveOperationFailed,
      );
      const annotations = pulled.manifest.annotations;
      this.#status.artifact = {
        ...artifact,
        ...(annotations && Object.keys(annotations).length > 0 ? { metadata: annotations } : {}),
      };
      this.#status.url = artifact.url;
      setOrDelete(this.#status, 'observedIgnore', plan.ignore);
      setOrDelete(
        this.#status,
        'observedLayerSelector',
        plan.layerSelector
          ? {
              ...(plan.layerSelector.mediaType ? { mediaType: plan.layerSelector.mediaType } : {}),
              operation: plan.layerSelector.operation,
            }
          : undefined,
      );
      if (previous?.revision !== artifact.revision || previous?.digest !== artifact.digest) {
        this.#log.info({ revision: artifact.revision, digest: artifact.digest }, 'Stored a new artifact');
        await this.#reconciler.recordEvent(
          this.#object,
          'Normal',
          'NewArtifact',
          `stored artifact with revision '${artifact.revision}' from '${plan.url}'`,
          this.#log,
          artifact.revision,
        );
      }
      try {
        await storage.collectGarbage(artifact);
      } catch (error) {
        this.#log.warn({ err: error }, 'Garbage collection of old artifacts failed');
      }
    } finally {
      await rm(workDirectory, { recursive: true, force: true }).catch(() => undefined);
    }
  }

  // Same revision, same spec-shaped inputs, and the file still there: a HEAD was all this cycle needed.
  async #artifactUpToDate(plan: OCIRepositoryPlan, resolved: ResolvedArtifact): Promise<boolean> {
    const status = this.#object.status;
    if (!status?.artifact || status.artifact.revision !== resolved.revision) return false;
    if (!(await this.#reconciler.storage.exists(status.artifact))) return false;
    const observedSelector = status.observedLayerSelector
      ? {
          mediaType: status.observedLayerSelector.mediaType,
          operation: status.observedLayerSelector.operation ?? 'extract',
        }
      : undefined;
    return (
      status.observedIgnore === plan.ignore &&
      stableJson(observedSelector ?? null) === stableJson(plan.layerSelector ?? null)
    );
  }

  async #step<T>(
    conditionType: string,
    action: () => Promise<T>,
    expected: ErrorClass | ErrorClass[],
    fallbackReason?: string,
  ): Promise<T> {
    try {
      return await action();
    } catch (error) {
      const classes = Array.isArray(expected) ? expected : [expected];
      if (!classes.some((errorClass) => error instanceof errorClass)) throw error;
      const failure = error as Error & { reason?: string };
      const reason = fallbackReason ?? failure.reason ?? Reason.Failed;
      setCondition(this.#work, { type: conditionType, status: 'True', reason, message: failure.message });
      markFailed(this.#work, reason, failure.message);
      if (this.#status.artifact) {
        // the last good artifact is still served; its URL follows the current storage address
        this.#status.artifact = {
          ...this.#status.artifact,
          url: this.#reconciler.storage.artifactUrl(this.#status.artifact.path),
        };
      }
      await this.#finish();
      await this.#reconciler.recordEvent(this.#object, 'Warning', reason, failure.message, this.#log);
      throw new ReconcileFailure(reason, failure.message);
    }
  }

  async #finish(): Promise<void> {
    if (!this.#status.artifact) removeCondition(this.#work, ConditionType.ArtifactInStorage);
    setObservedGeneration(this.#work);
    setLastHandledReconcileAt(this.#work);
    this.#object = await this.#reconciler.writeStatus(this.#object, this.#status);
  }
}

type ErrorClass = abstract new (...args: never[]) => Error;

/** `<manifest digest hex>.tar.gz`, with a hash of ignore rules and the layer selector when they shape the content. */
export function artifactFileName(digest: string, plan: OCIRepositoryPlan): string {
  const hex = digest.split(':')[1] ?? digest;
  if (plan.ignore === undefined && !plan.layerSelector) return `${hex}.tar.gz`;
  const inputs = stableJson({ ignore: plan.ignore, layerSelector: plan.layerSelector });
  return `${hex}-${createHash('sha256').update(inputs).digest('hex').slice(0, 12)}.tar.gz`;
}

function setOrDelete<K extends keyof OCIRepositoryStatus>(
  status: OCIRepositoryStatus,
  key: K,
  value: OCIRepositoryStatus[K] | undefined,
): void {
  if (value === undefined) delete status[key];
  else status[key] = value;
}
