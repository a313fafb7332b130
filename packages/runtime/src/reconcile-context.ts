// The controller a reconcile runs under, reachable from anything it calls (the StatusPatcher), with no extra wiring.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { RuntimeMetrics } from './metrics.ts';

export interface ReconcileContext {
  /** The controller's name, e.g. `gitrepository`. */
  controller: string;
  /** The kind it reconciles. */
  kind: string;
  /** The manager's metrics, when the controller has them. */
  metrics: RuntimeMetrics | undefined;
}

const currentContext = new AsyncLocalStorage<ReconcileContext>();

/** Run `reconcile` so that everything it awaits sees `context`. */
export function runInReconcileContext<T>(context: ReconcileContext, reconcile: () => T): T {
  return currentContext.run(context, reconcile);
}

/** The reconcile under way in this async call chain, if any. */
export function currentReconcile(): ReconcileContext | undefined {
  return currentContext.getStore();
}
