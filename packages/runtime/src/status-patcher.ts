// Writes `status` through the status subresource by server-side apply, so only the fields this controller owns change.
import type { KubernetesObject } from '@kubernetes/client-node';
import { isNotFound } from './api-error.ts';
import type { KubeClient } from './client.ts';
import { refOf } from './client.ts';
import { ReadyCondition, type Condition } from './conditions.ts';
import type { MetricsObject, RuntimeMetrics } from './metrics.ts';
import { currentReconcile } from './reconcile-context.ts';

export interface StatusWrite<T extends KubernetesObject> {
  /** False when the API server found nothing to change (the resourceVersion did not move). */
  written: boolean;
  /** The object as the API server returned it after the write. */
  object: T;
  resourceVersion: string;
}

export interface StatusPatcherOptions {
  /**
   * Where the Ready gauge goes. Inside a Controller's reconcile the manager's metrics are found by
   * themselves; set this only to patch status from elsewhere.
   */
  metrics?: RuntimeMetrics;
}

export class StatusPatcher {
  private readonly client: KubeClient;
  private readonly fieldManager: string;
  private readonly metrics: RuntimeMetrics | undefined;

  constructor(client: KubeClient, fieldManager: string, options: StatusPatcherOptions = {}) {
    this.client = client;
    this.fieldManager = fieldManager;
    this.metrics = options.metrics;
  }

  /**
   * `status` is everything this controller means to own in status: fields it set before and leaves out
   * now are removed, fields other managers own are left alone. `object` is the last copy the caller read.
   * The Ready condition written is recorded in the `fluxion_reconcile_condition` gauge.
   */
  async patch<T extends KubernetesObject>(object: T, status: object): Promise<StatusWrite<T>> {
    const ref = refOf(object);
    const intent = {
      apiVersion: ref.apiVersion,
      kind: ref.kind,
      metadata: { name: ref.name, ...(ref.namespace ? { namespace: ref.namespace } : {}) },
      status,
    };
    let updated: T;
    try {
      // force: status is ours by contract; a stale owner (an older controller version) must not block us
      updated = await this.client.apply(intent as unknown as T, {
        fieldManager: this.fieldManager,
        force: true,
        subresource: 'status',
      });
    } catch (error) {
      if (isNotFound(error)) this.forget(ref);
      throw error;
    }
    this.recordReady(updated);
    const resourceVersion = updated.metadata?.resourceVersion ?? '';
    return { written: resourceVersion !== object.metadata?.resourceVersion, object: updated, resourceVersion };
  }

  /** Drop the object's metric series; call it when the object is gone or its finalizer is removed. */
  forget(object: KubernetesObject | MetricsObject): void {
    this.#activeMetrics()?.forgetObject(metricsObjectOf(object));
  }

  /** Record the Ready condition the object has now; `patch` does it, call it when a write was skipped as unchanged. */
  recordReady(object: KubernetesObject): void {
    if (object.metadata?.deletionTimestamp) {
      // on its way out: a series left now would show a deleted object forever
      this.forget(object);
      return;
    }
    const conditions = (object as { status?: { conditions?: Condition[] } }).status?.conditions ?? [];
    const ready = conditions.find((condition) => condition.type === ReadyCondition);
    if (ready) this.#activeMetrics()?.recordConditions(metricsObjectOf(object), [ready]);
  }

  #activeMetrics(): RuntimeMetrics | undefined {
    return this.metrics ?? currentReconcile()?.metrics;
  }
}

function metricsObjectOf(object: KubernetesObject | MetricsObject): MetricsObject {
  if ('name' in object && typeof object.name === 'string') return object;
  const { kind = '', metadata } = object as KubernetesObject;
  return { kind, name: metadata?.name ?? '', namespace: metadata?.namespace };
}
