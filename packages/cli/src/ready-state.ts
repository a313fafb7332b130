// What a Flux object's conditions say: ready or not, why, since when; read the way `flux get` and kstatus read them.
import type { FluxObject } from './flux-kinds.ts';

export interface ConditionView {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  observedGeneration?: number;
}

export type ReadyState = 'True' | 'False' | 'Unknown';

export interface ReadyView {
  ready: ReadyState;
  reason: string;
  message: string;
  since: string | undefined;
  suspended: boolean;
  /** The controller has not yet looked at the current spec. */
  stale: boolean;
}

export function conditionsOf(object: FluxObject): ConditionView[] {
  const conditions = object.status?.['conditions'];
  return Array.isArray(conditions) ? (conditions as ConditionView[]) : [];
}

export function conditionOf(object: FluxObject, type: string): ConditionView | undefined {
  return conditionsOf(object).find((condition) => condition.type === type);
}

export function readyView(object: FluxObject): ReadyView {
  const ready = conditionOf(object, 'Ready');
  const observedGeneration = object.status?.['observedGeneration'];
  const generation = object.metadata?.generation;
  const stale =
    typeof generation === 'number' && (typeof observedGeneration !== 'number' || observedGeneration < generation);
  return {
    ready: ready?.status === 'True' || ready?.status === 'False' ? ready.status : 'Unknown',
    reason: ready?.reason ?? '',
    message: ready?.message ?? (ready ? '' : 'waiting to be reconciled'),
    since: ready?.lastTransitionTime,
    suspended: object.spec?.['suspend'] === true,
    stale,
  };
}

/** `Ready=False BuildFailed: the message`, how a failure or timeout is reported. */
export function describeCondition(condition: ConditionView | undefined): string {
  if (!condition) return 'no Ready condition yet (has the controller seen it?)';
  return `${condition.type}=${condition.status}${condition.reason ? ` ${condition.reason}` : ''}${condition.message ? `: ${condition.message}` : ''}`;
}
