// One reconcile of one source object (HelmRepository, HelmChart, Bucket): a working copy of its status, steps whose
// expected failures become conditions and Warning events, and status written once at the end (or on failure).
import { ConditionType, SourceApiVersion } from '@fluxion/api';
import type { KubernetesObject } from '@kubernetes/client-node';
import {
  type Condition,
  type EventRecorder,
  type Logger,
  type StatusPatcher,
  markFailed,
  markStalled,
  removeCondition,
  setCondition,
  setLastHandledReconcileAt,
  setObservedGeneration,
  TerminalError,
} from '@fluxion/runtime';
import { revisionAnnotation, ReconcileFailure } from './gitrepository-reconciler.ts';
import { SourceError } from './source-error.ts';
import { StorageError } from './storage-error.ts';
import { stableJson } from './stable-json.ts';

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
}

export class SourceRun<T extends SourceObject> {
  readonly #context: SourceRunContext;
  readonly log: Logger;
  #object: T;
  readonly work: T;

  constructor(context: SourceRunContext, object: T, log: Logger) {
    this.#context = context;
    this.#object = object;
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
   * Runs one step. A SourceError (or StorageError) becomes `<conditionType>=True` and Ready=False with its reason,
   * Stalled when no retry can fix it; status is written, a Warning event recorded, and a ReconcileFailure thrown
   * (retried with backoff unless stalled). The last good artifact stays in status.
   */
  async step<R>(conditionType: string, action: () => Promise<R> | R): Promise<R> {
    try {
      return await action();
    } catch (error) {
      if (!(error instanceof SourceError || error instanceof StorageError)) throw error;
      const stalled = error instanceof SourceError && error.stalled;
      await this.fail(conditionType, error.reason, error.message, stalled);
      // Stalled: no retry can help until the spec changes (a new generation enqueues it again).
      if (stalled) throw new TerminalError(error.message, { reason: error.reason });
      throw new ReconcileFailure(error.reason, error.message);
    }
  }

  async fail(conditionType: string, reason: string, message: string, stalled = false): Promise<void> {
    setCondition(this.work, { type: conditionType, status: 'True', reason, message });
    if (stalled) markStalled(this.work, reason, message);
    else {
      removeCondition(this.work, ConditionType.Stalled);
      markFailed(this.work, reason, message);
    }
    await this.finish();
    await this.event('Warning', reason, message);
    this.log.error({ reason }, message);
  }

  async finish(): Promise<void> {
    if (!this.status.artifact) removeCondition(this.work, ConditionType.ArtifactInStorage);
    setObservedGeneration(this.work);
    setLastHandledReconcileAt(this.work);
    if (stableJson(this.status) === stableJson(this.#object.status ?? {})) return;
    this.#object = (await this.#context.statusPatcher.patch(this.#object, this.status)).object;
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
