// Prometheus metrics every controller exposes: reconcile durations and results, condition gauges, queue depth.
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { ObjectRef } from './client.ts';
import { ObjectHistogram } from './object-histogram.ts';

export type ReconcileResultLabel = 'success' | 'requeue_after' | 'error' | 'terminal_error';

/** The part of an ObjectRef that labels an object's series; a whole ObjectRef will do. */
export type MetricsObject = Pick<ObjectRef, 'kind' | 'namespace' | 'name'>;

export interface ConditionLike {
  type: string;
  status: string;
}

export interface RuntimeMetricsOptions {
  /** Add Node's process metrics (CPU, memory, event loop lag); off in tests that make many registries. */
  processMetrics?: boolean;
}

/** A work queue as its gauges read it at scrape time. */
interface QueueReading {
  depth: number;
  active: number;
}

const conditionStatuses = ['True', 'False', 'Unknown'] as const;

/** One registry per process (or per test), so that metrics never leak between managers. */
export class RuntimeMetrics {
  readonly registry = new Registry();
  readonly reconcileDuration: ObjectHistogram<'kind' | 'namespace' | 'name'>;
  readonly reconcileTotal: Counter<'controller' | 'result'>;
  readonly condition: Gauge<'kind' | 'namespace' | 'name' | 'type' | 'status'>;
  readonly workQueueDepth: Gauge<'controller'>;
  readonly activeWorkers: Gauge<'controller'>;
  readonly leader: Gauge<'lease'>;
  /** Read at scrape time, so the queue gauges are never stale. */
  readonly #queues = new Map<string, () => QueueReading>();
  /** Condition types recorded per object, to find its series again when it is deleted. */
  readonly #conditionTypes = new Map<string, Set<string>>();

  constructor(options: RuntimeMetricsOptions = {}) {
    const registers = [this.registry];
    this.reconcileDuration = new ObjectHistogram({
      name: 'fluxion_reconcile_duration_seconds',
      help: 'How long one reconcile of an object took, in seconds.',
      labelNames: ['kind', 'namespace', 'name'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
      registers,
    });
    this.reconcileTotal = new Counter({
      name: 'fluxion_reconcile_total',
      help: 'Reconciles by controller and result (success, requeue_after, error, terminal_error).',
      labelNames: ['controller', 'result'],
      registers,
    });
    this.condition = new Gauge({
      name: 'fluxion_reconcile_condition',
      help: '1 for the status each condition of an object has now, 0 for the others.',
      labelNames: ['kind', 'namespace', 'name', 'type', 'status'],
      registers,
    });
    const queues = this.#queues;
    const queueGauge = (name: string, help: string, read: (queue: QueueReading) => number): Gauge<'controller'> =>
      new Gauge({
        name,
        help,
        labelNames: ['controller'],
        registers,
        collect() {
          for (const [controller, queue] of queues) this.set({ controller }, read(queue()));
        },
      });
    this.workQueueDepth = queueGauge(
      'fluxion_workqueue_depth',
      'Keys waiting in a controller work queue.',
      (queue) => queue.depth,
    );
    this.activeWorkers = queueGauge(
      'fluxion_workqueue_active_workers',
      'Keys a controller is reconciling right now.',
      (queue) => queue.active,
    );
    this.leader = new Gauge({
      name: 'fluxion_leader_election_master_status',
      help: '1 while this process holds the leader election Lease, 0 otherwise.',
      labelNames: ['lease'],
      registers,
    });
    if (options.processMetrics) collectDefaultMetrics({ register: this.registry });
  }

  /** Report a controller's queue depth and active workers on every scrape. */
  registerQueue(controller: string, read: () => QueueReading): void {
    this.#queues.set(controller, read);
  }

  observeReconcile(controller: string, object: MetricsObject, seconds: number, result: ReconcileResultLabel): void {
    this.reconcileDuration.observe(objectLabels(object), seconds);
    this.reconcileTotal.inc({ controller, result });
  }

  /** Record an object's conditions, e.g. Ready=False, after its status was written. */
  recordConditions(object: MetricsObject, conditions: readonly ConditionLike[]): void {
    const labels = objectLabels(object);
    const id = objectId(labels);
    const types = this.#conditionTypes.get(id) ?? new Set<string>();
    this.#conditionTypes.set(id, types);
    for (const condition of conditions) {
      types.add(condition.type);
      for (const status of conditionStatuses) {
        this.condition.set({ ...labels, type: condition.type, status }, condition.status === status ? 1 : 0);
      }
    }
  }

  /** Drop every series of a deleted object, so dashboards do not show it forever. */
  forgetObject(object: MetricsObject): void {
    const labels = objectLabels(object);
    const id = objectId(labels);
    for (const type of this.#conditionTypes.get(id) ?? []) {
      for (const status of conditionStatuses) this.condition.remove({ ...labels, type, status });
    }
    this.#conditionTypes.delete(id);
    this.reconcileDuration.remove(labels);
  }

  /** The Prometheus text exposition of everything in the registry. */
  render(): Promise<string> {
    return this.registry.metrics();
  }
}

function objectLabels(object: MetricsObject): { kind: string; namespace: string; name: string } {
  return { kind: object.kind, namespace: object.namespace ?? '', name: object.name };
}

function objectId(labels: { kind: string; namespace: string; name: string }): string {
  return `${labels.kind}/${labels.namespace}/${labels.name}`;
}
