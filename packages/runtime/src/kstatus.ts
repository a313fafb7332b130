// kstatus: is an object Current, InProgress, Failed, Terminating or NotFound, computed from the object alone.

export type KStatus = 'Current' | 'InProgress' | 'Failed' | 'Terminating' | 'NotFound' | 'Unknown';

export interface KStatusResult {
  status: KStatus;
  /** A CamelCase word saying why, where the rule has one (e.g. `LessReady`, `ProgressDeadlineExceeded`). */
  reason?: string;
  /** A sentence a person can act on, e.g. `Ready: 1/3`. */
  message: string;
}

export interface ComputeStatusOptions {
  /** The clock for rules that give an object a grace period (an unschedulable Pod gets 15s). */
  now?: Date;
}

/** How long a Pod may stay unschedulable before it counts as Failed rather than InProgress. */
export const podScheduleWindowMs = 15_000;

type Fields = Record<string, unknown>;
type KindRule = (obj: Fields, options: ComputeStatusOptions) => KStatusResult;

interface ConditionLike {
  type: string;
  status: string;
  reason: string;
  message: string;
  observedGeneration?: number;
}

/** The status of an object as read from the API; `undefined` or `null` means it was not found. */
export function computeStatus(obj: unknown, options: ComputeStatusOptions = {}): KStatusResult {
  if (obj === undefined || obj === null) return { status: 'NotFound', message: 'Resource not found' };
  if (!isFields(obj)) return { status: 'Unknown', message: 'Resource is not an object' };

  const generic = genericStatus(obj);
  if (generic) return generic;

  const rule = kindRules[groupKindKey(obj)];
  if (rule) return rule(obj, options);

  return readyConditionStatus(obj) ?? { status: 'Current', message: 'Resource is current' };
}

/** Rules every object follows, and which decide alone when they apply. */
function genericStatus(obj: Fields): KStatusResult | undefined {
  if (stringAt(obj, 'metadata.deletionTimestamp')) {
    return { status: 'Terminating', message: 'Resource scheduled for deletion' };
  }
  const lagging = generationLag(obj);
  if (lagging) return lagging;
  for (const condition of conditionsOf(obj)) {
    if (condition.status !== 'True') continue;
    if (condition.type === 'Reconciling') {
      return { status: 'InProgress', reason: condition.reason, message: condition.message };
    }
    if (condition.type === 'Stalled') {
      return { status: 'Failed', reason: condition.reason, message: condition.message };
    }
  }
  return undefined;
}

function generationLag(obj: Fields): KStatusResult | undefined {
  const generation = numberAt(obj, 'metadata.generation');
  const observedGeneration = numberAt(obj, 'status.observedGeneration');
  if (generation === undefined || observedGeneration === undefined || generation === observedGeneration) {
    return undefined;
  }
  return {
    status: 'InProgress',
    reason: 'LatestGenerationNotObserved',
    message: `${kindOf(obj)} generation is ${generation}, but latest observed generation is ${observedGeneration}`,
  };
}

/**
 * For kinds without a rule of their own: a Ready condition decides. Ready=False is read as
 * InProgress, not Failed: operators set it while work is under way, and a real dead end says Stalled.
 */
function readyConditionStatus(obj: Fields): KStatusResult | undefined {
  const ready = conditionsOf(obj).find((condition) => condition.type === 'Ready');
  if (!ready) return undefined;
  const generation = numberAt(obj, 'metadata.generation');
  if (generation !== undefined && ready.observedGeneration !== undefined && ready.observedGeneration !== generation) {
    return {
      status: 'InProgress',
      reason: 'LatestGenerationNotObserved',
      message: `${kindOf(obj)} generation is ${generation}, but the Ready condition is for generation ${ready.observedGeneration}`,
    };
  }
  if (ready.status === 'True')
    return { status: 'Current', reason: ready.reason, message: ready.message || 'Resource is Ready' };
  const detail = ready.message ? `: ${ready.message}` : '';
  return { status: 'InProgress', reason: ready.reason, message: `Ready is ${ready.status}${detail}` };
}

/** The Deployment controller reads MaxInt32 as "no progress deadline". */
const noProgressDeadline = 2 ** 31 - 1;

const current = (message: string): KStatusResult => ({ status: 'Current', message });
const inProgress = (reason: string, message: string): KStatusResult => ({ status: 'InProgress', reason, message });
const failed = (reason: string, message: string): KStatusResult => ({ status: 'Failed', reason, message });
const alwaysCurrent: KindRule = () => current('Resource is always ready');

function deploymentStatus(obj: Fields): KStatusResult {
  // Without a progress deadline the controller never reports Progressing, so it cannot be waited on.
  const progressDeadlineSeconds = numberAt(obj, 'spec.progressDeadlineSeconds') ?? noProgressDeadline;
  let progressComplete = progressDeadlineSeconds === noProgressDeadline;
  let available = false;
  for (const condition of conditionsOf(obj)) {
    if (condition.type === 'Progressing') {
      if (condition.reason === 'ProgressDeadlineExceeded')
        return failed(condition.reason, 'Progress deadline exceeded');
      if (condition.status === 'True' && condition.reason === 'NewReplicaSetAvailable') progressComplete = true;
    }
    if (condition.type === 'Available' && condition.status === 'True') available = true;
  }
  const desired = numberAt(obj, 'spec.replicas') ?? 1;
  const replicas = numberAt(obj, 'status.replicas') ?? 0;
  const updated = numberAt(obj, 'status.updatedReplicas') ?? 0;
  const ready = numberAt(obj, 'status.readyReplicas') ?? 0;
  const availableReplicas = numberAt(obj, 'status.availableReplicas') ?? 0;
  if (desired > replicas) return inProgress('LessReplicas', `Replicas: ${replicas}/${desired}`);
  if (desired > updated) return inProgress('LessUpdated', `Updated: ${updated}/${desired}`);
  if (replicas > desired) return inProgress('ExtraPods', `Pending termination: ${replicas - desired}`);
  if (updated > availableReplicas) return inProgress('LessAvailable', `Available: ${availableReplicas}/${updated}`);
  if (desired > ready) return inProgress('LessReady', `Ready: ${ready}/${desired}`);
  if (!progressComplete) return inProgress('ReplicaSetNotAvailable', 'ReplicaSet not Available');
  if (!available) return inProgress('DeploymentNotAvailable', 'Deployment not Available');
  return current(`Deployment is available. Replicas: ${replicas}`);
}

function statefulSetStatus(obj: Fields): KStatusResult {
  if (stringAt(obj, 'spec.updateStrategy.type') === 'OnDelete') {
    return current('StatefulSet is using the OnDelete update strategy');
  }
  const desired = numberAt(obj, 'spec.replicas') ?? 1;
  const replicas = numberAt(obj, 'status.replicas') ?? 0;
  const ready = numberAt(obj, 'status.readyReplicas') ?? 0;
  const currentReplicas = numberAt(obj, 'status.currentReplicas') ?? 0;
  const updated = numberAt(obj, 'status.updatedReplicas') ?? 0;
  const partition = numberAt(obj, 'spec.updateStrategy.rollingUpdate.partition');
  if (desired > replicas) return inProgress('LessReplicas', `Replicas: ${replicas}/${desired}`);
  if (desired > ready) return inProgress('LessReady', `Ready: ${ready}/${desired}`);
  if (replicas > desired) return inProgress('ExtraPods', `Pending termination: ${replicas - desired}`);
  if (partition !== undefined) {
    const toUpdate = desired - partition;
    if (updated < toUpdate) return inProgress('PartitionRollout', `Updated: ${updated}/${toUpdate}`);
    return current(`Partition rollout complete. Updated: ${updated}`);
  }
  if (desired > currentReplicas) return inProgress('LessCurrent', `Current: ${currentReplicas}/${desired}`);
  if (stringAt(obj, 'status.currentRevision') !== stringAt(obj, 'status.updateRevision')) {
    return inProgress('RevisionMismatch', 'Waiting for updated revision to match current');
  }
  return current(`All replicas scheduled as expected. Replicas: ${replicas}`);
}

function daemonSetStatus(obj: Fields): KStatusResult {
  // The daemon set controller always writes observedGeneration, so its absence means it has not acted yet.
  if (numberAt(obj, 'metadata.generation') === undefined) {
    return inProgress('NoGeneration', 'DaemonSet metadata.generation not found');
  }
  if (numberAt(obj, 'status.observedGeneration') === undefined) {
    return inProgress('NoObservedGeneration', 'DaemonSet status.observedGeneration not found');
  }
  const desired = numberAt(obj, 'status.desiredNumberScheduled');
  if (desired === undefined) return inProgress('NoDesiredNumber', 'Missing .status.desiredNumberScheduled');
  const scheduled = numberAt(obj, 'status.currentNumberScheduled') ?? 0;
  const updated = numberAt(obj, 'status.updatedNumberScheduled') ?? 0;
  const available = numberAt(obj, 'status.numberAvailable') ?? 0;
  const ready = numberAt(obj, 'status.numberReady') ?? 0;
  if (desired > scheduled) return inProgress('LessCurrent', `Current: ${scheduled}/${desired}`);
  if (desired > updated) return inProgress('LessUpdated', `Updated: ${updated}/${desired}`);
  if (desired > available) return inProgress('LessAvailable', `Available: ${available}/${desired}`);
  if (desired > ready) return inProgress('LessReady', `Ready: ${ready}/${desired}`);
  return current(`All replicas scheduled as expected. Replicas: ${desired}`);
}

function replicaSetStatus(obj: Fields): KStatusResult {
  if (conditionsOf(obj).some((condition) => condition.type === 'ReplicaFailure' && condition.status === 'True')) {
    return inProgress('ReplicaFailure', 'Replica Failure condition. Check Pods');
  }
  const desired = numberAt(obj, 'spec.replicas') ?? 1;
  const replicas = numberAt(obj, 'status.replicas') ?? 0;
  const labelled = numberAt(obj, 'status.fullyLabeledReplicas') ?? 0;
  const available = numberAt(obj, 'status.availableReplicas') ?? 0;
  const ready = numberAt(obj, 'status.readyReplicas') ?? 0;
  if (desired > labelled) return inProgress('LessLabelled', `Labelled: ${labelled}/${desired}`);
  if (desired > available) return inProgress('LessAvailable', `Available: ${available}/${desired}`);
  if (desired > ready) return inProgress('LessReady', `Ready: ${ready}/${desired}`);
  if (replicas > desired) return inProgress('ExtraPods', `Pending termination: ${replicas - desired}`);
  return current(`ReplicaSet is available. Replicas: ${replicas}`);
}

function jobStatus(obj: Fields): KStatusResult {
  const parallelism = numberAt(obj, 'spec.parallelism') ?? 1;
  const completions = numberAt(obj, 'spec.completions') ?? parallelism;
  const succeeded = numberAt(obj, 'status.succeeded') ?? 0;
  const active = numberAt(obj, 'status.active') ?? 0;
  const failedPods = numberAt(obj, 'status.failed') ?? 0;
  for (const condition of conditionsOf(obj)) {
    if (condition.status !== 'True') continue;
    if (condition.type === 'Complete') return current(`Job Completed. succeeded: ${succeeded}/${completions}`);
    if (condition.type === 'Failed') return failed('JobFailed', `Job Failed. failed: ${failedPods}/${completions}`);
    // A suspended Job is where its owner wants it; waiting on it would never end.
    if (condition.type === 'Suspended') return current('Job is suspended');
  }
  if (!stringAt(obj, 'status.startTime')) return inProgress('JobNotStarted', 'Job not started');
  return current(`Job in progress. success: ${succeeded}, active: ${active}, failed: ${failedPods}`);
}

function podStatus(obj: Fields, options: ComputeStatusOptions): KStatusResult {
  const phase = stringAt(obj, 'status.phase') ?? '';
  const conditions = conditionsOf(obj);
  switch (phase) {
    case 'Succeeded':
      return current('Pod has completed successfully');
    case 'Failed':
      return current('Pod has completed, but not successfully');
    case 'Running': {
      if (conditions.some((condition) => condition.type === 'Ready' && condition.status === 'True')) {
        return current('Pod is Ready');
      }
      const crashLooping = crashLoopingContainers(obj);
      if (crashLooping.length > 0) {
        return failed('ContainerCrashLooping', `Containers in CrashLoop state: ${crashLooping.join(',')}`);
      }
      return inProgress('PodRunningNotReady', 'Pod is running but is not Ready');
    }
    case 'Pending': {
      const unschedulable = conditions.find(
        (condition) =>
          condition.type === 'PodScheduled' && condition.status === 'False' && condition.reason === 'Unschedulable',
      );
      if (unschedulable) {
        const createdAt = Date.parse(stringAt(obj, 'metadata.creationTimestamp') ?? '');
        const now = (options.now ?? new Date()).getTime();
        if (Number.isNaN(createdAt) || now - createdAt < podScheduleWindowMs) {
          return inProgress('PodNotScheduled', 'Pod has not been scheduled');
        }
        return failed('PodUnschedulable', `Pod could not be scheduled: ${unschedulable.message}`);
      }
      return inProgress('PodPending', 'Pod is in the Pending phase');
    }
    case '':
      return inProgress('PodNotObserved', 'Pod phase not available');
    default:
      return { status: 'Unknown', message: `Pod has an unknown phase ${phase}` };
  }
}

function crashLoopingContainers(obj: Fields): string[] {
  const statuses = valueAt(obj, 'status.containerStatuses');
  if (!Array.isArray(statuses)) return [];
  return statuses
    .filter(isFields)
    .filter((status) => stringAt(status, 'state.waiting.reason') === 'CrashLoopBackOff')
    .map((status) => stringAt(status, 'name') ?? '?');
}

function persistentVolumeClaimStatus(obj: Fields): KStatusResult {
  const phase = stringAt(obj, 'status.phase') ?? 'unknown';
  if (phase !== 'Bound') return inProgress('NotBound', `PVC is not Bound. phase: ${phase}`);
  return current('PVC is Bound');
}

function serviceStatus(obj: Fields): KStatusResult {
  if (stringAt(obj, 'spec.type') === 'LoadBalancer') {
    const ingress = valueAt(obj, 'status.loadBalancer.ingress');
    const hasAddress =
      Array.isArray(ingress) &&
      ingress.some((entry) => isFields(entry) && (stringAt(entry, 'ip') || stringAt(entry, 'hostname')));
    if (!hasAddress) return inProgress('NoIPAssigned', 'Waiting for the load balancer to be given an ingress IP');
  }
  return current('Service is ready');
}

function customResourceDefinitionStatus(obj: Fields): KStatusResult {
  for (const condition of conditionsOf(obj)) {
    if (condition.type === 'NamesAccepted' && condition.status === 'False') {
      return failed(condition.reason, condition.message);
    }
    if (condition.type === 'Established') {
      if (condition.status === 'True') return current('CRD is established');
      if (condition.status === 'False' && condition.reason !== 'Installing')
        return failed(condition.reason, condition.message);
    }
  }
  return inProgress('Installing', 'Install in progress');
}

function podDisruptionBudgetStatus(): KStatusResult {
  // observedGeneration matched (checked generically), so the controller has computed the allowed disruptions.
  return current('AllowedDisruptions has been computed.');
}

/** Rules per `<group>/<Kind>` (core kinds have no group). */
const kindRules: Record<string, KindRule> = {
  Service: serviceStatus,
  Pod: podStatus,
  PersistentVolumeClaim: persistentVolumeClaimStatus,
  Secret: alwaysCurrent,
  ConfigMap: alwaysCurrent,
  'apps/Deployment': deploymentStatus,
  'extensions/Deployment': deploymentStatus,
  'apps/StatefulSet': statefulSetStatus,
  'apps/DaemonSet': daemonSetStatus,
  'extensions/DaemonSet': daemonSetStatus,
  'apps/ReplicaSet': replicaSetStatus,
  'extensions/ReplicaSet': replicaSetStatus,
  'batch/Job': jobStatus,
  'batch/CronJob': alwaysCurrent,
  'policy/PodDisruptionBudget': podDisruptionBudgetStatus,
  'apiextensions.k8s.io/CustomResourceDefinition': customResourceDefinitionStatus,
};

function groupKindKey(obj: Fields): string {
  const apiVersion = stringAt(obj, 'apiVersion') ?? '';
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  return group ? `${group}/${kindOf(obj)}` : kindOf(obj);
}

function kindOf(obj: Fields): string {
  return stringAt(obj, 'kind') ?? 'Resource';
}

function conditionsOf(obj: Fields): ConditionLike[] {
  const conditions = valueAt(obj, 'status.conditions');
  if (!Array.isArray(conditions)) return [];
  return conditions.filter(isFields).map((condition) => {
    const observedGeneration = numberAt(condition, 'observedGeneration');
    return {
      type: stringAt(condition, 'type') ?? '',
      status: stringAt(condition, 'status') ?? '',
      reason: stringAt(condition, 'reason') ?? '',
      message: stringAt(condition, 'message') ?? '',
      ...(observedGeneration !== undefined ? { observedGeneration } : {}),
    };
  });
}

function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function valueAt(obj: Fields, path: string): unknown {
  let value: unknown = obj;
  for (const segment of path.split('.')) {
    if (!isFields(value)) return undefined;
    value = value[segment];
  }
  return value;
}

function numberAt(obj: Fields, path: string): number | undefined {
  const value = valueAt(obj, path);
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function stringAt(obj: Fields, path: string): string | undefined {
  const value = valueAt(obj, path);
  if (typeof value === 'string') return value;
  // client-node deserializes timestamps to Date; treat them as the string they came from.
  if (value instanceof Date) return value.toISOString();
  return undefined;
}
