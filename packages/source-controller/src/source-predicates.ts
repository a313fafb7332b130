// Flux's predicates for a source kind's own watch: a new object, a new generation, a reconcile request, a deletion.
import type { KubernetesObject } from '@kubernetes/client-node';
import { ReconcileRequestAnnotation, type StoreEvent } from '@fluxion/runtime';

export function needsReconcile<T extends KubernetesObject>(event: StoreEvent<T>): boolean {
  const { object, oldObject } = event;
  if (event.type === 'ADDED' || event.type === 'DELETED' || !oldObject) return true;
  const meta = object.metadata ?? {};
  const old = oldObject.metadata ?? {};
  return (
    meta.generation !== old.generation ||
    meta.annotations?.[ReconcileRequestAnnotation] !== old.annotations?.[ReconcileRequestAnnotation] ||
    (meta.deletionTimestamp !== undefined && old.deletionTimestamp === undefined)
  );
}
