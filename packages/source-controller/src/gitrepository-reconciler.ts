// GitRepository → artifact: finalizer, suspend, spec, Secrets, includes, ls-remote/checkout, ignore rules,
// archive, store, status and events — the steps a Flux user would list, in that order.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type GitRepository, ConditionType, Reason, SourceApiVersion, SourceFinalizer } from '@fluxion/api';
import {
  type EventRecorder,
  type GitAccess,
  type KubeClient,
  type Logger,
  type ObjectKey,
  type ReconcileResult,
  type Reflector,
  isNotFound,
  isTrue,
  StatusPatcher,
  markFailed,
  markReady,
  markStalled,
  readSecret,
  removeCondition,
  resolveGitAccess,
  SecretError,
  setCondition,
  setLastHandledReconcileAt,
  setObservedGeneration,
} from '@fluxion/runtime';
import { artifactFileName } from './artifact-file-name.ts';
import { FetchError } from './fetch-error.ts';
import { checkoutGitRepository, fetchedRefName, type GitCheckoutResult } from './git-checkout.ts';
import { refRequestFromSpec } from './git-ref.ts';
import { trustedKeysFrom, verifyCheckout, VerificationError } from './git-verify.ts';
import { parseRevision } from './revision.ts';
import { type GitRepositoryPlan, InvalidSpecError, validateGitRepositorySpec } from './gitrepository-spec.ts';
import {
  copyIncludedArtifacts,
  type IncludedArtifact,
  IncludeError,
  resolveIncludes,
  sameIncludedArtifacts,
} from './include-artifacts.ts';
import { loadIgnoreMatcher, SourceIgnoreError } from './source-ignore.ts';
import { type Artifact, type ArtifactOwner, ArtifactStorage } from './storage.ts';
import { StorageError } from './storage-error.ts';
import { stableJson } from './stable-json.ts';

export const gitRepositoryKind = 'GitRepository';
/** The annotation on NewArtifact events that names the revision, as notification-controller expects. */
export const revisionAnnotation = 'source.toolkit.fluxcd.io/revision';

type GitRepositoryStatus = NonNullable<GitRepository['status']>;

export interface GitRepositoryReconcilerOptions {
  client: KubeClient;
  /** GitRepositories as the watch cache sees them; reconciles read from here. */
  cache: Reflector<GitRepository>;
  storage: ArtifactStorage;
  events: EventRecorder;
  /** Field manager for finalizers and status (default `source-controller`). */
  fieldManager?: string;
  /** Where checkouts are made (default the OS temp directory). */
  workDirectory?: string;
}

/** A failure already written to status; thrown so the work queue retries with backoff. */
export class ReconcileFailure extends Error {
  readonly reason: string;
  constructor(reason: string, message: string) {
    super(message);
    this.name = 'ReconcileFailure';
    this.reason = reason;
  }
}

export class GitRepositoryReconciler {
  readonly #client: KubeClient;
  readonly #cache: Reflector<GitRepository>;
  readonly #storage: ArtifactStorage;
  readonly #events: EventRecorder;
  readonly #statusPatcher: StatusPatcher;
  readonly #workDirectory: string | undefined;

  constructor(options: GitRepositoryReconcilerOptions) {
    this.#client = options.client;
    this.#cache = options.cache;
    this.#storage = options.storage;
    this.#events = options.events;
    this.#statusPatcher = new StatusPatcher(options.client, options.fieldManager ?? 'source-controller');
    this.#workDirectory = options.workDirectory;
  }

  readonly reconcile = async (key: ObjectKey, log: Logger): Promise<ReconcileResult> => {
    await this.#cache.hasSynced();
    const namespace = key.namespace ?? '';
    const owner: ArtifactOwner = { kind: gitRepositoryKind, namespace, name: key.name };
    const cached = this.#cache.get(namespace, key.name);
    if (!cached) {
      // Gone (perhaps without our finalizer): its artifacts must not outlive it.
      await this.#storage.removeAll(owner);
      return {};
    }
    if (cached.metadata?.deletionTimestamp) {
      if (cached.metadata.finalizers?.includes(SourceFinalizer)) {
        await this.#storage.removeAll(owner);
        await this.#removeFinalizer(cached);
        log.info('Removed the artifacts and the finalizer of a deleted GitRepository');
      }
      return {};
    }
    const object = cached.metadata?.finalizers?.includes(SourceFinalizer) ? cached : await this.#addFinalizer(cached);
    if (object.spec?.suspend) {
      log.info('Reconciliation is suspended for this object');
      return {};
    }
    const run = new ReconcileRun(this, object, owner, log);
    return run.execute();
  };

  // --- used by ReconcileRun ---

  get storage(): ArtifactStorage {
    return this.#storage;
  }

  get cache(): Reflector<GitRepository> {
    return this.#cache;
  }

  get workDirectory(): string {
    return this.#workDirectory ?? tmpdir();
  }

  readSecret(namespace: string, name: string, field: string): Promise<Map<string, string>> {
    return readSecret(this.#client, namespace, name, field);
  }

  resolveAccess(object: GitRepository): Promise<GitAccess> {
    return resolveGitAccess(this.#client, object.metadata?.namespace ?? '', {
      secretRef: object.spec?.secretRef,
      proxySecretRef: object.spec?.proxySecretRef,
    });
  }

  async writeStatus(object: GitRepository, status: GitRepositoryStatus): Promise<GitRepository> {
    if (stableJson(status) === stableJson(object.status ?? {})) return object;
    return (await this.#statusPatcher.patch(object, status)).object;
  }

  async recordEvent(
    object: GitRepository,
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
    log: Logger,
    revision?: string,
  ): Promise<void> {
    try {
      await this.#events.record({
        object: { ...object, apiVersion: SourceApiVersion, kind: gitRepositoryKind },
        type,
        reason,
        message,
        ...(revision ? { annotations: { [revisionAnnotation]: revision } } : {}),
      });
    } catch (error) {
      log.warn({ err: error, reason }, 'Could not record an event');
    }
  }

  async #addFinalizer(object: GitRepository): Promise<GitRepository> {
    const finalizers = [...(object.metadata?.finalizers ?? []), SourceFinalizer];
    // resourceVersion makes it a compare-and-swap: a stale cache yields a conflict and a retry, never lost finalizers.
    return this.#client.patch<GitRepository>(
      refOf(object),
      { metadata: { finalizers, resourceVersion: object.metadata?.resourceVersion } },
      'merge',
    );
  }

  async #removeFinalizer(object: GitRepository): Promise<void> {
    const finalizers = (object.metadata?.finalizers ?? []).filter((finalizer) => finalizer !== SourceFinalizer);
    try {
      await this.#client.patch(
        refOf(object),
        { metadata: { finalizers, resourceVersion: object.metadata?.resourceVersion } },
        'merge',
      );
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
}

/** One reconcile of one object: a working copy of its status, written once at the end (or on failure). */
class ReconcileRun {
  readonly #reconciler: GitRepositoryReconciler;
  readonly #owner: ArtifactOwner;
  readonly #log: Logger;
  #object: GitRepository;
  readonly #work: GitRepository;

  constructor(reconciler: GitRepositoryReconciler, object: GitRepository, owner: ArtifactOwner, log: Logger) {
    this.#reconciler = reconciler;
    this.#object = object;
    this.#owner = owner;
    this.#log = log;
    this.#work = { ...object, status: structuredClone(object.status ?? {}) };
  }

  get #status(): GitRepositoryStatus {
    return this.#work.status!;
  }

  async execute(): Promise<ReconcileResult> {
    let plan: GitRepositoryPlan;
    try {
      plan = validateGitRepositorySpec(this.#object.spec);
    } catch (error) {
      if (!(error instanceof InvalidSpecError)) throw error;
      // No retry can fix the spec: stall until the next generation.
      markStalled(this.#work, error.reason, error.message);
      await this.#finish();
      await this.#reconciler.recordEvent(this.#object, 'Warning', error.reason, error.message, this.#log);
      this.#log.error({ reason: error.reason }, error.message);
      return {};
    }
    removeCondition(this.#work, 'Stalled');
    if (!plan.verify) {
      removeCondition(this.#work, ConditionType.SourceVerified);
      delete this.#status.sourceVerificationMode;
    }

    const access = await this.#step(
      ConditionType.FetchFailed,
      () => this.#reconciler.resolveAccess(this.#object),
      SecretError,
    );
    const includes = await this.#step(
      ConditionType.IncludeUnavailable,
      () =>
        resolveIncludes(
          this.#reconciler.cache,
          this.#reconciler.storage,
          this.#owner.namespace,
          plan.include,
          this.#owner.name,
        ),
      IncludeError,
    );
    removeCondition(this.#work, ConditionType.IncludeUnavailable);

    const checkoutRoot = await mkdtemp(
      join(this.#reconciler.workDirectory, `gitrepository-${this.#owner.namespace}-${this.#owner.name}-`),
    );
    try {
      const directory = join(checkoutRoot, 'checkout');
      const lastObservedRevision = (await this.#artifactMatchesSpec(plan, includes))
        ? this.#object.status?.artifact?.revision
        : undefined;
      const result = await this.#step(
        ConditionType.FetchFailed,
        () =>
          checkoutGitRepository({
            url: plan.url,
            ref: plan.ref,
            directory,
            ...access,
            timeoutMs: plan.timeoutMs,
            ...(lastObservedRevision ? { lastObservedRevision } : {}),
            recurseSubmodules: plan.recurseSubmodules,
            ...(plan.sparseCheckout ? { sparseCheckout: plan.sparseCheckout } : {}),
            ...(plan.verify ? { needsRepository: true } : {}),
          }),
        FetchError,
      );
      removeCondition(this.#work, ConditionType.FetchFailed);
      if (result.changed) {
        await this.#verifySignatures(plan, result, directory);
        await this.#buildArtifact(plan, includes, result, directory);
      } else
        this.#status.artifact = {
          ...this.#status.artifact!,
          url: this.#reconciler.storage.artifactUrl(this.#status.artifact!.path),
        };
    } finally {
      await rm(checkoutRoot, { recursive: true, force: true }).catch(() => undefined);
    }

    const message = `stored artifact for revision '${this.#status.artifact!.revision}'`;
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

  // Nothing unverified is stored: a bad or missing signature fails the reconcile and keeps the last artifact.
  async #verifySignatures(
    plan: GitRepositoryPlan,
    result: Extract<GitCheckoutResult, { changed: true }>,
    directory: string,
  ): Promise<void> {
    const verify = plan.verify;
    if (!verify) return;
    try {
      const secretName = `${this.#owner.namespace}/${verify.secretName}`;
      const keys = trustedKeysFrom(
        await this.#reconciler.readSecret(this.#owner.namespace, verify.secretName, 'spec.verify.secretRef'),
        secretName,
      );
      const message = await verifyCheckout({
        directory,
        mode: verify.mode,
        keys,
        tag: tagOf(plan, result.revision),
        tagRef: fetchedRefName,
        commit: result.commit,
        timeoutMs: plan.timeoutMs,
      });
      setCondition(this.#work, {
        type: ConditionType.SourceVerified,
        status: 'True',
        reason: Reason.Succeeded,
        message,
      });
      this.#status.sourceVerificationMode = verify.mode;
    } catch (error) {
      if (!(error instanceof VerificationError || error instanceof SecretError)) throw error;
      setCondition(this.#work, {
        type: ConditionType.SourceVerified,
        status: 'False',
        reason: error.reason,
        message: error.message,
      });
      markFailed(this.#work, error.reason, error.message);
      await this.#finish();
      await this.#reconciler.recordEvent(this.#object, 'Warning', error.reason, error.message, this.#log);
      throw new ReconcileFailure(error.reason, error.message);
    }
  }

  async #buildArtifact(
    plan: GitRepositoryPlan,
    includes: IncludedArtifact[],
    result: Extract<GitCheckoutResult, { changed: true }>,
    directory: string,
  ): Promise<void> {
    const previous = this.#object.status?.artifact;
    if (previous && previous.revision !== result.revision) {
      setCondition(this.#work, {
        type: ConditionType.ArtifactOutdated,
        status: 'True',
        reason: Reason.NewRevision,
        message: `new upstream revision '${result.revision}'`,
      });
    }
    const storage = this.#reconciler.storage;
    const artifact = await this.#step(
      ConditionType.StorageOperationFailed,
      async (): Promise<Artifact> => {
        await copyIncludedArtifacts(storage, includes, directory);
        const ignore = await loadIgnoreMatcher(directory, plan.ignore);
        const stored = await storage.archive(this.#owner, result.revision, directory, {
          fileName: artifactFileName(result.commit, plan, includes),
          exclude: (path, isDirectory) => ignore.excludes(path, isDirectory),
        });
        await storage.linkLatest(stored);
        return stored;
      },
      [StorageError, SourceIgnoreError, IncludeError],
      Reason.ArchiveOperationFailed,
    );

    const status = this.#status;
    status.artifact = artifact;
    if (includes.length > 0) status.includedArtifacts = includes.map((include) => include.artifact);
    else delete status.includedArtifacts;
    setOrDelete(status, 'observedIgnore', plan.ignore);
    setOrDelete(status, 'observedRecurseSubmodules', plan.recurseSubmodules ? true : undefined);
    setOrDelete(status, 'observedInclude', plan.include.length > 0 ? plan.include : undefined);
    setOrDelete(status, 'observedSparseCheckout', plan.sparseCheckout);

    if (previous?.revision !== artifact.revision) {
      this.#log.info({ revision: artifact.revision, digest: artifact.digest }, 'Stored a new artifact');
      await this.#reconciler.recordEvent(
        this.#object,
        'Normal',
        'NewArtifact',
        `stored artifact for commit '${result.commitSubject}'`,
        this.#log,
        artifact.revision,
      );
    }
    try {
      const deleted = await storage.collectGarbage(artifact);
      if (deleted.length > 0) this.#log.debug({ deleted: deleted.length }, 'Removed old artifacts');
    } catch (error) {
      // Old files staying a little longer is no reason to fail a good artifact.
      this.#log.warn({ err: error }, 'Garbage collection of old artifacts failed');
    }
  }

  // The stored artifact still describes this spec (and these includes): an unchanged remote needs no clone.
  async #artifactMatchesSpec(plan: GitRepositoryPlan, includes: IncludedArtifact[]): Promise<boolean> {
    const status = this.#object.status;
    if (!status?.artifact || !(await this.#reconciler.storage.exists(status.artifact))) return false;
    return (
      status.observedIgnore === plan.ignore &&
      (status.observedRecurseSubmodules ?? false) === plan.recurseSubmodules &&
      stableJson(status.observedInclude ?? []) === stableJson(plan.include) &&
      stableJson(status.observedSparseCheckout ?? null) === stableJson(plan.sparseCheckout ?? null) &&
      sameIncludedArtifacts(status.includedArtifacts ?? [], includes) &&
      (!plan.verify ||
        (status.sourceVerificationMode === plan.verify.mode && isTrue(this.#object, ConditionType.SourceVerified)))
    );
  }

  /**
   * Runs one step; an expected failure becomes `<conditionType>=True` and Ready=False with its reason, is written
   * to status with a Warning event, and is rethrown for a retry with backoff. The last good artifact stays.
   */
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
      const reason =
        fallbackReason && conditionType === ConditionType.StorageOperationFailed
          ? fallbackReason
          : (failure.reason ?? Reason.Failed);
      setCondition(this.#work, { type: conditionType, status: 'True', reason, message: failure.message });
      markFailed(this.#work, reason, failure.message);
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

// The tag a checkout came from, for verify-tag: tag and semver refs, or a full refs/tags/ name.
function tagOf(plan: GitRepositoryPlan, revision: string): string | undefined {
  const request = refRequestFromSpec(plan.ref);
  if (request.kind === 'tag' || request.kind === 'semver') return parseRevision(revision).name;
  if (request.kind === 'name' && request.name.startsWith('refs/tags/')) return request.name.slice('refs/tags/'.length);
  return undefined;
}

function setOrDelete<K extends keyof GitRepositoryStatus>(
  status: GitRepositoryStatus,
  key: K,
  value: GitRepositoryStatus[K] | undefined,
): void {
  if (value === undefined) delete status[key];
  else status[key] = value;
}

function refOf(object: GitRepository): { apiVersion: string; kind: string; name: string; namespace: string } {
  return {
    apiVersion: SourceApiVersion,
    kind: gitRepositoryKind,
    name: object.metadata?.name ?? '',
    namespace: object.metadata?.namespace ?? '',
  };
}
