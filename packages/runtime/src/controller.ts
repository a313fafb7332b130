// Runs a reconciler over a work queue: level-triggered, one key at a time per object, errors retried with backoff.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { ReconcileResultLabel, RuntimeMetrics } from './metrics.ts';
import { runInReconcileContext, type ReconcileContext } from './reconcile-context.ts';
import { WorkQueue, type WorkOutcome } from './work-queue.ts';

/** What a reconcile is asked about: only the object's name, so it always reads the latest state. */
export interface ObjectKey {
  namespace?: string;
  name: string;
}

export interface ReconcileResult {
  /** Reconcile again after this many milliseconds (jittered), e.g. the object's `spec.interval`. */
  requeueAfter?: number;
}

/**
 * Brings one object to its desired state. A throw or rejection is retried with backoff; the
 * reconciler itself writes the error to the object's Ready condition.
 */
export type Reconciler = (key: ObjectKey, log: Logger) => Promise<ReconcileResult | void>;

/**
 * An error that no retry can fix (an invalid spec, say): logged and not retried, as
 * controller-runtime's TerminalError. The object is reconciled again on its next change.
 */
export class TerminalError extends Error {
  readonly reason: string;

  constructor(message: string, options: { reason?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TerminalError';
    this.reason = options.reason ?? 'TerminalError';
  }
}

export function isTerminalError(error: unknown): error is TerminalError {
  return error instanceof TerminalError;
}

export interface ControllerOptions {
  /** Lower-case controller name for logs and metrics, e.g. `gitrepository`. */
  name: string;
  /** The kind it reconciles, e.g. `GitRepository`. */
  kind: string;
  reconcile: Reconciler;
  logger: Logger;
  metrics?: RuntimeMetrics;
  /** `--concurrent`; Flux's default is 4. */
  concurrency?: number;
  /** `--min-retry-delay`; 750ms. */
  minRetryDelayMs?: number;
  /** `--max-retry-delay`; 15m. */
  maxRetryDelayMs?: number;
  /** Fraction by which `requeueAfter` is spread either way. */
  jitterRatio?: number;
}

export const defaultConcurrency = 4;
export const defaultMinRetryDelayMs = 750;
export const defaultMaxRetryDelayMs = 15 * 60_000;

/** `namespace/name`, or `name` for a cluster-scoped object. */
export function objectKeyToString(key: ObjectKey): string {
  return key.namespace ? `${key.namespace}/${key.name}` : key.name;
}

export function parseObjectKey(text: string): ObjectKey {
  const slash = text.indexOf('/');
  if (slash < 0) return { name: text };
  return { namespace: text.slice(0, slash), name: text.slice(slash + 1) };
}

export class Controller {
  readonly name: string;
  readonly kind: string;
  readonly #reconcile: Reconciler;
  readonly #logger: Logger;
  readonly #metrics: RuntimeMetrics | undefined;
  readonly #queue: WorkQueue;
  readonly #concurrency: number;
  readonly #context: ReconcileContext;
  #started = false;

  constructor(options: ControllerOptions) {
    this.name = options.name;
    this.kind = options.kind;
    this.#reconcile = options.reconcile;
    this.#metrics = options.metrics;
    this.#logger = options.logger.child({ controller: options.name, kind: options.kind });
    this.#concurrency = options.concurrency ?? defaultConcurrency;
    this.#queue = new WorkQueue({
      concurrency: this.#concurrency,
      minRetryDelayMs: options.minRetryDelayMs ?? defaultMinRetryDelayMs,
      maxRetryDelayMs: options.maxRetryDelayMs ?? defaultMaxRetryDelayMs,
      ...(options.jitterRatio !== undefined ? { jitterRatio: options.jitterRatio } : {}),
    });
    this.#context = { controller: this.name, kind: this.kind, metrics: this.#metrics };
    this.#metrics?.registerQueue(this.name, () => ({ depth: this.#queue.length, active: this.#queue.activeCount }));
  }

  /** Ask for a reconcile of this object now. Safe to call from watch handlers at any rate. */
  enqueue(key: ObjectKey | string): void {
    this.#queue.add(typeof key === 'string' ? key : objectKeyToString(key));
  }

  /** Ask for a reconcile of this object after a delay (an earlier pending one wins). */
  enqueueAfter(key: ObjectKey | string, delayMs: number): void {
    this.#queue.addAfter(typeof key === 'string' ? key : objectKeyToString(key), delayMs);
  }

  get started(): boolean {
    return this.#started;
  }

  /** Keys waiting to be reconciled now. */
  get queueLength(): number {
    return this.#queue.length;
  }

  /** Start reconciling queued keys. Keys enqueued before start wait for it. */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#logger.info({ workers: this.#concurrency }, 'Starting workers');
    this.#queue.start((key) => this.#reconcileKey(key));
  }

  /**
   * Stop taking work and wait up to `graceMs` for reconciles under way to finish.
   * Resolves true if they all finished in time.
   */
  async stop(graceMs?: number): Promise<boolean> {
    const drained = await this.#queue.shutDown(graceMs);
    if (!drained)
      this.#logger.warn(
        { active: this.#queue.activeCount },
        'Reconciles still running after the shutdown grace period',
      );
    return drained;
  }

  /** Resolves once nothing is queued or running (delayed requeues do not count). */
  whenIdle(): Promise<void> {
    return this.#queue.whenIdle();
  }

  async #reconcileKey(keyText: string): Promise<WorkOutcome> {
    const key = parseObjectKey(keyText);
    const log = this.#logger.child({
      ...(key.namespace ? { namespace: key.namespace } : {}),
      name: key.name,
      reconcileID: randomUUID(),
    });
    const startedAt = performance.now();
    let outcome: WorkOutcome;
    let resultLabel: ReconcileResultLabel;
    try {
      const result = (await runInReconcileContext(this.#context, () => this.#reconcile(key, log))) ?? {};
      const requeueAfter = result.requeueAfter;
      if (requeueAfter !== undefined && requeueAfter > 0) {
        outcome = { kind: 'done', requeueAfterMs: requeueAfter };
        resultLabel = 'requeue_after';
      } else {
        outcome = { kind: 'done' };
        resultLabel = 'success';
      }
    } catch (error) {
      if (isTerminalError(error)) {
        log.error({ err: error, reason: error.reason }, 'Reconciler error is terminal, not retrying');
        outcome = { kind: 'drop' };
        resultLabel = 'terminal_error';
      } else {
        const retryInMs = this.#queue.backoffDelayMs(this.#queue.failures(keyText));
        log.error({ err: error, retryInMs }, 'Reconciler error');
        outcome = { kind: 'retry' };
        resultLabel = 'error';
      }
    }
    const seconds = (performance.now() - startedAt) / 1000;
    this.#metrics?.observeReconcile(this.name, { kind: this.kind, ...key }, seconds, resultLabel);
    log.debug({ durationSeconds: seconds, result: resultLabel }, 'Reconcile finished');
    return outcome;
  }
}
