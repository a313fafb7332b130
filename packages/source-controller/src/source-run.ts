// One reconcile of one source object: a working copy of its status, steps whose expected failures become conditions
// and Warning events, and status written once at the end (or on failure). Every source kind runs its steps on one.
import { ConditionType, Reason, SourceApiVersion } from '@fluxion/api';
import type { KubernetesObject } from '@kubernetes/client-node';
import {
  type Condition,
  type EventRecorder,
  type Logger,
  type StatusPatcher,
  markFailed,
  markReady,
  markStalled,
  removeCondition,
  setCondition,
  setLastHandledReconcileAt,
  setObservedGeneration,
  TerminalError,
} from '@fluxion/runtime';
import { InvalidSpecError } from './gitrepository-spec.ts';
import { SourceError } from './source-error.ts';
import type { Artifact, ArtifactOwner, ArtifactStorage } from './storage.ts';
import { StorageError } from './storage-error.ts';
import { stableJson } from './stable-json.ts';

/** The annotation on NewArtifact events that names the revision, as notification-controller expects. */
export const revisionAnnotation = 'source.toolkit.fluxcd.io/revision';

/** A failure already written to status; thrown so the work queue retries with backoff. */
export class ReconcileFailure extends Error {
  readonly reason: string;
  constructor(reason: string, message: string) {
    super(message);
    this.name = 'ReconcileFailure';
    this.reason = reason;
  }
}

export interface SourceStatus {
  observedGeneration?: number;
  conditions?: Condition[];
  artifact?: { path: string; url: string; revision: string; digest?: string; lastUpdateTime: string; size?: number };
  url?: string;
  lastHandledReconcileAt?: string;
}

export interface SourceObject extends KubernetesObject {
  status?: SourceStatus;
}

export interface SourceRunContext {
  kind: string;
  statusPatcher: StatusPatcher;
  events: EventRecorder;
  storage: ArtifactStorage;
}

/** An error class whose instances carry a Flux reason, e.g. FetchError or SecretError. */
type ReasonedErrorClass = abstract new (...args: never[]) => Error & { reason: string };

export interface StepOptions {
  /** Failures this step expects besides SourceError and StorageError. */
  errors?: ReasonedErrorClass[];
  /** The reason written whatever the error's own (Flux's ArchiveOperationFailed for an archive step). */
  reason?: string;
}

export class SourceRun<T extends SourceObject> {
  readonly #context: SourceRunContext;
  readonly log: Logger;
  /** Whose artifacts these are: the storage directory of this object. */
  readonly owner: ArtifactOwner;
  #object: T;
  readonly work: T;
  /** Events that wait for the status to be written: a NewArtifact must not hold up Ready. */
  readonly #onSuccess: Array<() => Promise<void>> = [];

  constructor(context: SourceRunContext, object: T, owner: ArtifactOwner, log: Logger) {
    this.#context = context;
    this.#object = object;
    this.owner = owner;
    this.log = log;
    this.work = { ...object, status: structuredClone(object.status ?? {}) };
  }

  /** The object as read at the start of this reconcile (its status untouched). */
  get object(): T {
    return this.#object;
  }

  get status(): NonNullable<T['status']> {
    return this.work.status as NonNullable<T['status']>;
  }

  /**
   * The spec checked into a plan; an InvalidSpecError stalls the object (no retry can fix the spec, the next
   * generation is reconciled again): written with a Warning event, and undefined returned.
   */
  async planOrStall<P>(validate: () => P): Promise<P | undefined> {
    try {
      const plan = validate();
      removeCondition(this.work, ConditionType.Stalled);
      return plan;
    } catch (error) {
      if (!(error instanceof InvalidSpecError)) throw error;
      markStalled(this.work, error.reason, error.message);
      await this.finish();
      await this.event('Warning', error.reason, error.message);
      this.log.error({ reason: error.reason }, error.message);
      return undefined;
    }
  }

  /**
   * Runs one step. A SourceError, StorageError or one of `options.errors` becomes `<conditionType>=True` and
   * Ready=False with its reason, Stalled when no retry can fix it; status is written, a Warning event recorded, and a
   * ReconcileFailure thrown (retried with backoff unless stalled). The last good artifact stays in status.
   */
  async step<R>(conditionType: string, action: () => Promise<R> | R, options: StepOptions = {}): Promise<R> {
    try {
      return await action();
    } catch (error) {
      const expected = [SourceError, StorageError, ...(options.errors ?? [])];
      if (!expected.some((errorClass) => error instanceof errorClass)) throw error;
      const failure = error as Error & { reason: string };
      const stalled = error instanceof SourceError && error.stalled;
      const reason = options.reason ?? failure.reason;
      await this.fail(conditionType, reason, failure.message, stalled);
      // Stalled: no retry can help until the spec changes (a new generation enqueues it again).
      if (stalled) throw new TerminalError(failure.message, { reason });
      throw new ReconcileFailure(reason, failure.message);
    }
  }

  async fail(conditionType: string, reason: string, message: string, stalled = false): Promise<void> {
    setCondition(this.work, { type: conditionType, status: 'True', reason, message });
    if (stalled) markStalled(this.work, reason, message);
    else {
      removeCondition(this.work, ConditionType.Stalled);
      markFailed(this.work, reason, message);
    }
    // The last good artifact is still served; its URL follows the current storage address.
    if (this.status.artifact) this.keepArtifact(this.status.artifact);
    await this.finish();
    await this.event('Warning', reason, message);
    this.log.error({ reason }, message);
  }

  /**
   * A stored artifact whose file no longer has the digest in status (torn by a crash, changed on disk) is removed,
   * with a Warning event, so the kind's steps see it missing and build it again rather than serve it.
   */
  async dropCorruptArtifact(): Promise<void> {
    const artifact = this.#object.status?.artifact;
    if (!artifact?.digest) return;
    const storage = this.#context.storage;
    const digest = artifact.digest;
    if (await storage.intact({ path: artifact.path, digest })) return;
    await storage.remove(artifact);
    const message = `failed to verify integrity of artifact: the file of '${artifact.path}' does not have digest ${digest}; removed, to be built again`;
    await this.event('Warning', Reason.ArtifactVerificationFailed, message);
    this.log.warn({ reason: Reason.ArtifactVerificationFailed, path: artifact.path }, message);
  }

  /** ArtifactOutdated while a revision other than the stored one is fetched and stored. */
  markOutdated(revision: string, message: string): void {
    const previous = this.#object.status?.artifact;
    if (!previous || previous.revision === revision) return;
    setCondition(this.work, {
      type: ConditionType.ArtifactOutdated,
      status: 'True',
      reason: Reason.NewRevision,
      message,
    });
  }

  /** An artifact stored before stays, at the URL of the current storage address. */
  keepArtifact(artifact: NonNullable<SourceStatus['artifact']>): void {
    this.status.artifact = { ...artifact, url: this.#context.storage.artifactUrl(artifact.path) };
  }

  /** Removes the artifacts beyond `latest` that retention no longer keeps. */
  async collectGarbage(latest: Pick<Artifact, 'path'>): Promise<void> {
    try {
      const deleted = await this.#context.storage.collectGarbage(latest);
      if (deleted.length > 0) this.log.debug({ deleted: deleted.length }, 'Removed old artifacts');
    } catch (error) {
      // Old files staying a little longer is no reason to fail a good artifact.
      this.log.warn({ err: error }, 'Garbage collection of old artifacts failed');
    }
  }

  /** The artifact is in storage: ArtifactInStorage and Ready with `message`, failure conditions cleared, written. */
  async succeed(message: string, reason: string = Reason.Succeeded): Promise<void> {
    for (const type of [ConditionType.ArtifactOutdated, ConditionType.StorageOperationFailed])
      removeCondition(this.work, type);
    setCondition(this.work, { type: ConditionType.ArtifactInStorage, status: 'True', reason, message });
    markReady(this.work, reason, message);
    await this.finish();
    for (const record of this.#onSuccess.splice(0)) await record();
  }

  async finish(): Promise<void> {
    if (!this.status.artifact) removeCondition(this.work, ConditionType.ArtifactInStorage);
    setObservedGeneration(this.work);
    setLastHandledReconcileAt(this.work);
    if (stableJson(this.status) === stableJson(this.#object.status ?? {})) return;
    this.#object = (await this.#context.statusPatcher.patch(this.#object, this.status)).object;
  }

  /** Records an event once `succeed` has written the status (not at all if the reconcile fails before that). */
  eventOnSuccess(type: 'Normal' | 'Warning', reason: string, message: string, revision?: string): void {
    this.#onSuccess.push(() => this.event(type, reason, message, revision));
  }

  async event(type: 'Normal' | 'Warning', reason: string, message: string, revision?: string): Promise<void> {
    try {
      await this.#context.events.record({
        object: { ...this.#object, apiVersion: SourceApiVersion, kind: this.#context.kind },
        type,
        reason,
        message,
        ...(revision ? { annotations: { [revisionAnnotation]: revision } } : {}),
      });
    } catch (error) {
      this.log.warn({ err: error, reason }, 'Could not record an event');
    }
  }
}
