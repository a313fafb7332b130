// kstatus condition helpers on `status.conditions`: set, read, and the Ready/Reconciling/Stalled rules.

export type ConditionStatus = 'True' | 'False' | 'Unknown';

/**
 * A metav1.Condition as it travels in JSON. client-node's V1Condition types `lastTransitionTime`
 * as a Date, but objects read from the API or a watch carry the RFC 3339 string.
 */
export interface Condition {
  type: string;
  status: ConditionStatus;
  observedGeneration?: number;
  lastTransitionTime: string;
  reason: string;
  message: string;
}

/** The parts of an object these helpers read and write. */
export interface ObjectWithConditions {
  metadata?: { generation?: number; annotations?: Record<string, string> };
  status?: {
    conditions?: Condition[];
    observedGeneration?: number;
    lastHandledReconcileAt?: string;
  };
}

/** The object is fully reconciled (True), failed (False) or on its way (Unknown). */
export const ReadyCondition = 'Ready';
/** Abnormal-true: the controller is working towards the desired state. */
export const ReconcilingCondition = 'Reconciling';
/** Abnormal-true: the controller cannot make progress without a change from a person. */
export const StalledCondition = 'Stalled';

export const ProgressingReason = 'Progressing';
export const ProgressingWithRetryReason = 'ProgressingWithRetry';

/** Set by a person or a webhook to ask for a reconcile now, whatever the interval. */
export const ReconcileRequestAnnotation = 'reconcile.fluxcd.io/requestedAt';

/** The API server rejects condition messages past 32768 characters, and the whole status with them. */
const maxMessageLength = 32_768;

export interface ConditionUpdate {
  type: string;
  status: ConditionStatus;
  reason: string;
  message: string;
}

export function getCondition(obj: ObjectWithConditions, type: string): Condition | undefined {
  return obj.status?.conditions?.find((condition) => condition.type === type);
}

export function isTrue(obj: ObjectWithConditions, type: string): boolean {
  return getCondition(obj, type)?.status === 'True';
}

export function isFalse(obj: ObjectWithConditions, type: string): boolean {
  return getCondition(obj, type)?.status === 'False';
}

export function hasCondition(obj: ObjectWithConditions, type: string): boolean {
  return getCondition(obj, type) !== undefined;
}

export function removeCondition(obj: ObjectWithConditions, type: string): void {
  const conditions = obj.status?.conditions;
  if (!conditions) return;
  const index = conditions.findIndex((condition) => condition.type === type);
  if (index >= 0) conditions.splice(index, 1);
}

/**
 * Set a condition, stamped with the object's generation. `lastTransitionTime` moves only when the
 * status changes. Keeps kstatus' rules: Reconciling and Stalled are never both True, and Ready=True
 * leaves neither behind.
 */
export function setCondition(obj: ObjectWithConditions, update: ConditionUpdate, now: Date = new Date()): Condition {
  const status = (obj.status ??= {});
  const conditions = (status.conditions ??= []);
  const existing = conditions.find((condition) => condition.type === update.type);
  const generation = obj.metadata?.generation;
  const message =
    update.message.length > maxMessageLength ? `${update.message.slice(0, maxMessageLength - 3)}...` : update.message;
  const next: Condition = {
    type: update.type,
    status: update.status,
    ...(generation !== undefined ? { observedGeneration: generation } : {}),
    lastTransitionTime:
      existing && existing.status === update.status ? existing.lastTransitionTime : formatConditionTime(now),
    reason: update.reason,
    message,
  };
  if (existing) Object.assign(existing, next);
  else conditions.push(next);
  if (update.status === 'True') {
    if (update.type === ReconcilingCondition) removeCondition(obj, StalledCondition);
    if (update.type === StalledCondition) removeCondition(obj, ReconcilingCondition);
    if (update.type === ReadyCondition) {
      removeCondition(obj, ReconcilingCondition);
      removeCondition(obj, StalledCondition);
    }
  }
  return existing ?? next;
}

/** Reconciled: Ready=True; Reconciling and Stalled go away. */
export function markReady(obj: ObjectWithConditions, reason: string, message: string, now?: Date): void {
  setCondition(obj, { type: ReadyCondition, status: 'True', reason, message }, now);
}

/**
 * Work in progress: Reconciling=True, Stalled goes away. Ready becomes Unknown unless it is False,
 * so that a failure stays visible while the controller retries.
 */
export function markReconciling(obj: ObjectWithConditions, reason: string, message: string, now?: Date): void {
  setCondition(obj, { type: ReconcilingCondition, status: 'True', reason, message }, now);
  if (!isFalse(obj, ReadyCondition)) {
    setCondition(obj, { type: ReadyCondition, status: 'Unknown', reason, message }, now);
  }
}

/** Stuck until a person changes something: Stalled=True, Ready=False, no Reconciling. */
export function markStalled(obj: ObjectWithConditions, reason: string, message: string, now?: Date): void {
  setCondition(obj, { type: StalledCondition, status: 'True', reason, message }, now);
  setCondition(obj, { type: ReadyCondition, status: 'False', reason, message }, now);
}

/**
 * A failure the controller will retry: Ready=False with the failure, and (unless Stalled)
 * Reconciling=True with ProgressingWithRetry so kstatus reads it as still in progress.
 */
export function markFailed(obj: ObjectWithConditions, reason: string, message: string, now?: Date): void {
  setCondition(obj, { type: ReadyCondition, status: 'False', reason, message }, now);
  if (!isTrue(obj, StalledCondition)) {
    setCondition(obj, { type: ReconcilingCondition, status: 'True', reason: ProgressingWithRetryReason, message }, now);
  }
}

/** Record that the object's current generation has been acted on. */
export function setObservedGeneration(obj: ObjectWithConditions): void {
  const generation = obj.metadata?.generation;
  if (generation === undefined) return;
  (obj.status ??= {}).observedGeneration = generation;
}

/** The value of `reconcile.fluxcd.io/requestedAt`, if a reconcile was asked for. */
export function reconcileRequestedAt(obj: ObjectWithConditions): string | undefined {
  return obj.metadata?.annotations?.[ReconcileRequestAnnotation];
}

/** True when the object asks for a reconcile that its status does not yet say was handled. */
export function isReconcileRequestPending(obj: ObjectWithConditions): boolean {
  const requestedAt = reconcileRequestedAt(obj);
  return requestedAt !== undefined && requestedAt !== obj.status?.lastHandledReconcileAt;
}

/** Copy `reconcile.fluxcd.io/requestedAt` to `status.lastHandledReconcileAt`, so the requester sees it was handled. */
export function setLastHandledReconcileAt(obj: ObjectWithConditions): void {
  const requestedAt = reconcileRequestedAt(obj);
  if (requestedAt === undefined) return;
  (obj.status ??= {}).lastHandledReconcileAt = requestedAt;
}

/** metav1.Time's wire form: RFC 3339 in UTC with whole seconds. */
export function formatConditionTime(time: Date): string {
  return time.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
