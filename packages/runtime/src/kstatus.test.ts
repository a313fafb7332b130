import { describe, expect, it } from 'vitest';
import { computeStatus, type KStatus } from './kstatus.ts';

interface Case {
  name: string;
  obj: unknown;
  status: KStatus;
  reason?: string;
  message?: string | RegExp;
  now?: Date;
}

const cond = (type: string, status: string, reason = '', message = '') => ({ type, status, reason, message });

function deployment(spec: object, status: object, generation = 2) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'apps', generation },
    spec: { replicas: 3, progressDeadlineSeconds: 600, ...spec },
    status: { observedGeneration: generation, ...status },
  };
}
const healthyDeploymentStatus = {
  replicas: 3,
  updatedReplicas: 3,
  readyReplicas: 3,
  availableReplicas: 3,
  conditions: [
    cond('Available', 'True', 'MinimumReplicasAvailable'),
    cond('Progressing', 'True', 'NewReplicaSetAvailable'),
  ],
};

function statefulSet(spec: object, status: object) {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'db', generation: 1 },
    spec: { replicas: 3, ...spec },
    status: {
      observedGeneration: 1,
      replicas: 3,
      readyReplicas: 3,
      currentReplicas: 3,
      updatedReplicas: 3,
      currentRevision: 'db-1',
      updateRevision: 'db-1',
      ...status,
    },
  };
}

function daemonSet(status: object | undefined, generation: number | null = 1) {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'agent', ...(generation !== null ? { generation } : {}) },
    ...(status ? { status } : {}),
  };
}
const healthyDaemonSetStatus = {
  observedGeneration: 1,
  desiredNumberScheduled: 2,
  currentNumberScheduled: 2,
  updatedNumberScheduled: 2,
  numberAvailable: 2,
  numberReady: 2,
};

function replicaSet(status: object) {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name: 'web-abc', generation: 1 },
    spec: { replicas: 2 },
    status: {
      observedGeneration: 1,
      replicas: 2,
      fullyLabeledReplicas: 2,
      availableReplicas: 2,
      readyReplicas: 2,
      ...status,
    },
  };
}

function job(spec: object, status: object) {
  return { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'migrate' }, spec, status };
}

function pod(status: object, creationTimestamp = '2024-05-01T10:00:00Z') {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-1', creationTimestamp }, status };
}

function service(spec: object, status: object = {}) {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec, status };
}

function crd(conditions: object[]) {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'widgets.example.com', generation: 1 },
    status: { conditions },
  };
}

function custom(conditions: object[], generation = 4, observedGeneration: number | undefined = 4) {
  return {
    apiVersion: 'example.com/v1',
    kind: 'Widget',
    metadata: { name: 'w', generation },
    status: { ...(observedGeneration !== undefined ? { observedGeneration } : {}), conditions },
  };
}

const cases: Case[] = [
  // Generic rules.
  { name: 'a missing object is NotFound', obj: undefined, status: 'NotFound' },
  { name: 'null is NotFound too', obj: null, status: 'NotFound' },
  {
    name: 'an object being deleted is Terminating, whatever its status',
    obj: { ...custom([cond('Ready', 'True')]), metadata: { name: 'w', deletionTimestamp: '2024-05-01T10:00:00Z' } },
    status: 'Terminating',
  },
  {
    name: 'an observedGeneration behind the generation is InProgress',
    obj: custom([cond('Ready', 'True')], 5, 4),
    status: 'InProgress',
    reason: 'LatestGenerationNotObserved',
    message: 'Widget generation is 5, but latest observed generation is 4',
  },
  {
    name: 'Reconciling=True is InProgress with its message',
    obj: custom([cond('Reconciling', 'True', 'Progressing', 'fetching revision main@sha1:abc')]),
    status: 'InProgress',
    reason: 'Progressing',
    message: 'fetching revision main@sha1:abc',
  },
  {
    name: 'Stalled=True is Failed with its message',
    obj: custom([cond('Ready', 'False', 'InvalidURL', 'bad url'), cond('Stalled', 'True', 'InvalidURL', 'bad url')]),
    status: 'Failed',
    reason: 'InvalidURL',
    message: 'bad url',
  },
  {
    name: 'Reconciling=False and Stalled=False decide nothing',
    obj: custom([cond('Reconciling', 'False'), cond('Stalled', 'False')]),
    status: 'Current',
    message: 'Resource is current',
  },
  {
    name: 'an object without status is Current',
    obj: { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } },
    status: 'Current',
  },
  // Ready condition, for kinds without a rule of their own.
  {
    name: 'Ready=True is Current',
    obj: custom([cond('Ready', 'True', 'Succeeded', 'Applied revision: main@sha1:abc')]),
    status: 'Current',
    message: 'Applied revision: main@sha1:abc',
  },
  {
    name: 'Ready=False without Stalled is InProgress',
    obj: custom([cond('Ready', 'False', 'DependencyNotReady', 'dependency not ready')]),
    status: 'InProgress',
    reason: 'DependencyNotReady',
    message: 'Ready is False: dependency not ready',
  },
  {
    name: 'Ready=Unknown is InProgress',
    obj: custom([cond('Ready', 'Unknown', 'Progressing', '')]),
    status: 'InProgress',
    message: 'Ready is Unknown',
  },
  {
    name: 'a Ready condition for an older generation is InProgress',
    obj: custom([{ ...cond('Ready', 'True', 'Succeeded'), observedGeneration: 3 }], 4, undefined),
    status: 'InProgress',
    reason: 'LatestGenerationNotObserved',
  },
  // Deployment.
  {
    name: 'Deployment: all replicas available is Current',
    obj: deployment({}, healthyDeploymentStatus),
    status: 'Current',
    message: 'Deployment is available. Replicas: 3',
  },
  {
    name: 'Deployment: too few replicas',
    obj: deployment({}, { ...healthyDeploymentStatus, replicas: 1 }),
    status: 'InProgress',
    reason: 'LessReplicas',
    message: 'Replicas: 1/3',
  },
  {
    name: 'Deployment: too few updated',
    obj: deployment({}, { ...healthyDeploymentStatus, updatedReplicas: 2 }),
    status: 'InProgress',
    reason: 'LessUpdated',
    message: 'Updated: 2/3',
  },
  {
    name: 'Deployment: old pods still terminating',
    obj: deployment({}, { ...healthyDeploymentStatus, replicas: 4 }),
    status: 'InProgress',
    reason: 'ExtraPods',
    message: 'Pending termination: 1',
  },
  {
    name: 'Deployment: too few available',
    obj: deployment({}, { ...healthyDeploymentStatus, availableReplicas: 1 }),
    status: 'InProgress',
    reason: 'LessAvailable',
    message: 'Available: 1/3',
  },
  {
    name: 'Deployment: too few ready',
    obj: deployment({}, { ...healthyDeploymentStatus, readyReplicas: 2 }),
    status: 'InProgress',
    reason: 'LessReady',
    message: 'Ready: 2/3',
  },
  {
    name: 'Deployment: the new ReplicaSet is not yet available',
    obj: deployment(
      {},
      {
        ...healthyDeploymentStatus,
        conditions: [cond('Available', 'True'), cond('Progressing', 'True', 'ReplicaSetUpdated')],
      },
    ),
    status: 'InProgress',
    reason: 'ReplicaSetNotAvailable',
  },
  {
    name: 'Deployment: not Available',
    obj: deployment(
      {},
      {
        ...healthyDeploymentStatus,
        conditions: [cond('Available', 'False'), cond('Progressing', 'True', 'NewReplicaSetAvailable')],
      },
    ),
    status: 'InProgress',
    reason: 'DeploymentNotAvailable',
  },
  {
    name: 'Deployment: progress deadline exceeded is Failed',
    obj: deployment(
      {},
      {
        ...healthyDeploymentStatus,
        readyReplicas: 0,
        conditions: [cond('Progressing', 'False', 'ProgressDeadlineExceeded')],
      },
    ),
    status: 'Failed',
    reason: 'ProgressDeadlineExceeded',
  },
  {
    name: 'Deployment: without a progress deadline, no Progressing condition is needed',
    obj: deployment(
      { progressDeadlineSeconds: undefined },
      { ...healthyDeploymentStatus, conditions: [cond('Available', 'True')] },
    ),
    status: 'Current',
  },
  {
    name: 'Deployment: replicas default to 1',
    obj: deployment({ replicas: undefined }, { ...healthyDeploymentStatus, replicas: 0 }),
    status: 'InProgress',
    message: 'Replicas: 0/1',
  },
  {
    name: 'Deployment: a spec change not yet observed',
    obj: { ...deployment({}, healthyDeploymentStatus), metadata: { name: 'web', generation: 3 } },
    status: 'InProgress',
    reason: 'LatestGenerationNotObserved',
  },
  // StatefulSet.
  {
    name: 'StatefulSet: all replicas current is Current',
    obj: statefulSet({}, {}),
    status: 'Current',
    message: 'All replicas scheduled as expected. Replicas: 3',
  },
  {
    name: 'StatefulSet: OnDelete is always Current',
    obj: statefulSet({ updateStrategy: { type: 'OnDelete' } }, { readyReplicas: 0 }),
    status: 'Current',
  },
  {
    name: 'StatefulSet: too few replicas',
    obj: statefulSet({}, { replicas: 2 }),
    status: 'InProgress',
    reason: 'LessReplicas',
    message: 'Replicas: 2/3',
  },
  {
    name: 'StatefulSet: too few ready',
    obj: statefulSet({}, { readyReplicas: 1 }),
    status: 'InProgress',
    reason: 'LessReady',
    message: 'Ready: 1/3',
  },
  {
    name: 'StatefulSet: extra pods',
    obj: statefulSet({}, { replicas: 4, readyReplicas: 4 }),
    status: 'InProgress',
    reason: 'ExtraPods',
  },
  {
    name: 'StatefulSet: partitioned rollout still going',
    obj: statefulSet(
      { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 1 } } },
      { updatedReplicas: 1 },
    ),
    status: 'InProgress',
    reason: 'PartitionRollout',
    message: 'Updated: 1/2',
  },
  {
    name: 'StatefulSet: partitioned rollout done',
    obj: statefulSet(
      { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 1 } } },
      { updatedReplicas: 2, updateRevision: 'db-2' },
    ),
    status: 'Current',
  },
  {
    name: 'StatefulSet: too few current',
    obj: statefulSet({}, { currentReplicas: 2 }),
    status: 'InProgress',
    reason: 'LessCurrent',
  },
  {
    name: 'StatefulSet: revisions differ',
    obj: statefulSet({}, { updateRevision: 'db-2' }),
    status: 'InProgress',
    reason: 'RevisionMismatch',
  },
  // DaemonSet.
  {
    name: 'DaemonSet: all scheduled and ready is Current',
    obj: daemonSet(healthyDaemonSetStatus),
    status: 'Current',
    message: 'All replicas scheduled as expected. Replicas: 2',
  },
  {
    name: 'DaemonSet: no generation',
    obj: daemonSet(healthyDaemonSetStatus, null),
    status: 'InProgress',
    reason: 'NoGeneration',
  },
  {
    name: 'DaemonSet: not yet observed',
    obj: daemonSet({ ...healthyDaemonSetStatus, observedGeneration: undefined }),
    status: 'InProgress',
    reason: 'NoObservedGeneration',
  },
  {
    name: 'DaemonSet: no desired number',
    obj: daemonSet({ ...healthyDaemonSetStatus, desiredNumberScheduled: undefined }),
    status: 'InProgress',
    reason: 'NoDesiredNumber',
  },
  {
    name: 'DaemonSet: too few scheduled',
    obj: daemonSet({ ...healthyDaemonSetStatus, currentNumberScheduled: 1 }),
    status: 'InProgress',
    reason: 'LessCurrent',
    message: 'Current: 1/2',
  },
  {
    name: 'DaemonSet: too few updated',
    obj: daemonSet({ ...healthyDaemonSetStatus, updatedNumberScheduled: 1 }),
    status: 'InProgress',
    reason: 'LessUpdated',
  },
  {
    name: 'DaemonSet: too few available',
    obj: daemonSet({ ...healthyDaemonSetStatus, numberAvailable: 1 }),
    status: 'InProgress',
    reason: 'LessAvailable',
  },
  {
    name: 'DaemonSet: too few ready',
    obj: daemonSet({ ...healthyDaemonSetStatus, numberReady: 1 }),
    status: 'InProgress',
    reason: 'LessReady',
  },
  // ReplicaSet.
  { name: 'ReplicaSet: all available is Current', obj: replicaSet({}), status: 'Current' },
  {
    name: 'ReplicaSet: ReplicaFailure',
    obj: replicaSet({ conditions: [cond('ReplicaFailure', 'True', 'FailedCreate')] }),
    status: 'InProgress',
    reason: 'ReplicaFailure',
  },
  {
    name: 'ReplicaSet: too few labelled',
    obj: replicaSet({ fullyLabeledReplicas: 1 }),
    status: 'InProgress',
    reason: 'LessLabelled',
  },
  {
    name: 'ReplicaSet: too few available',
    obj: replicaSet({ availableReplicas: 1 }),
    status: 'InProgress',
    reason: 'LessAvailable',
  },
  {
    name: 'ReplicaSet: too few ready',
    obj: replicaSet({ readyReplicas: 1 }),
    status: 'InProgress',
    reason: 'LessReady',
  },
  { name: 'ReplicaSet: extra pods', obj: replicaSet({ replicas: 3 }), status: 'InProgress', reason: 'ExtraPods' },
  // Job.
  {
    name: 'Job: complete is Current',
    obj: job({ completions: 1 }, { succeeded: 1, conditions: [cond('Complete', 'True')] }),
    status: 'Current',
    message: 'Job Completed. succeeded: 1/1',
  },
  {
    name: 'Job: failed is Failed',
    obj: job({ completions: 2 }, { failed: 6, conditions: [cond('Failed', 'True', 'BackoffLimitExceeded')] }),
    status: 'Failed',
    reason: 'JobFailed',
    message: 'Job Failed. failed: 6/2',
  },
  {
    name: 'Job: suspended is Current',
    obj: job({}, { conditions: [cond('Suspended', 'True')] }),
    status: 'Current',
    message: 'Job is suspended',
  },
  { name: 'Job: not started', obj: job({}, {}), status: 'InProgress', reason: 'JobNotStarted' },
  {
    name: 'Job: running is Current',
    obj: job({}, { startTime: '2024-05-01T10:00:00Z', active: 1 }),
    status: 'Current',
    message: /Job in progress/,
  },
  {
    name: 'CronJob is always Current',
    obj: { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'c' } },
    status: 'Current',
  },
  // Pod.
  { name: 'Pod: succeeded is Current', obj: pod({ phase: 'Succeeded' }), status: 'Current' },
  {
    name: 'Pod: failed is Current (it completed)',
    obj: pod({ phase: 'Failed' }),
    status: 'Current',
    message: 'Pod has completed, but not successfully',
  },
  {
    name: 'Pod: running and Ready is Current',
    obj: pod({ phase: 'Running', conditions: [cond('Ready', 'True')] }),
    status: 'Current',
  },
  {
    name: 'Pod: crash looping is Failed and names the containers',
    obj: pod({
      phase: 'Running',
      conditions: [cond('Ready', 'False')],
      containerStatuses: [
        { name: 'app', state: { waiting: { reason: 'CrashLoopBackOff' } } },
        { name: 'sidecar', state: { running: {} } },
      ],
    }),
    status: 'Failed',
    reason: 'ContainerCrashLooping',
    message: 'Containers in CrashLoop state: app',
  },
  {
    name: 'Pod: running but not Ready',
    obj: pod({ phase: 'Running', conditions: [cond('Ready', 'False')] }),
    status: 'InProgress',
    reason: 'PodRunningNotReady',
  },
  { name: 'Pod: pending', obj: pod({ phase: 'Pending' }), status: 'InProgress', reason: 'PodPending' },
  {
    name: 'Pod: unschedulable within the 15s window is InProgress',
    obj: pod({
      phase: 'Pending',
      conditions: [cond('PodScheduled', 'False', 'Unschedulable', '0/1 nodes are available')],
    }),
    now: new Date('2024-05-01T10:00:10Z'),
    status: 'InProgress',
    reason: 'PodNotScheduled',
  },
  {
    name: 'Pod: unschedulable past the window is Failed',
    obj: pod({
      phase: 'Pending',
      conditions: [cond('PodScheduled', 'False', 'Unschedulable', '0/1 nodes are available')],
    }),
    now: new Date('2024-05-01T10:00:20Z'),
    status: 'Failed',
    reason: 'PodUnschedulable',
    message: /0\/1 nodes are available/,
  },
  { name: 'Pod: no phase yet', obj: pod({}), status: 'InProgress', reason: 'PodNotObserved' },
  { name: 'Pod: an unknown phase is Unknown', obj: pod({ phase: 'Exploded' }), status: 'Unknown' },
  // PersistentVolumeClaim.
  {
    name: 'PVC: bound is Current',
    obj: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data' }, status: { phase: 'Bound' } },
    status: 'Current',
  },
  {
    name: 'PVC: pending',
    obj: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data' }, status: { phase: 'Pending' } },
    status: 'InProgress',
    reason: 'NotBound',
    message: 'PVC is not Bound. phase: Pending',
  },
  // Service.
  {
    name: 'Service: ClusterIP is Current',
    obj: service({ type: 'ClusterIP', clusterIP: '10.0.0.1' }),
    status: 'Current',
  },
  {
    name: 'Service: LoadBalancer without an ingress address is InProgress',
    obj: service({ type: 'LoadBalancer', clusterIP: '10.0.0.1' }, { loadBalancer: {} }),
    status: 'InProgress',
    reason: 'NoIPAssigned',
  },
  {
    name: 'Service: LoadBalancer with an ingress IP is Current',
    obj: service({ type: 'LoadBalancer' }, { loadBalancer: { ingress: [{ ip: '203.0.113.7' }] } }),
    status: 'Current',
  },
  {
    name: 'Service: LoadBalancer with an ingress hostname is Current',
    obj: service({ type: 'LoadBalancer' }, { loadBalancer: { ingress: [{ hostname: 'lb.example.com' }] } }),
    status: 'Current',
  },
  // Always-ready kinds.
  {
    name: 'Secret is always Current',
    obj: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' } },
    status: 'Current',
  },
  {
    name: 'ConfigMap is always Current',
    obj: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } },
    status: 'Current',
  },
  // CustomResourceDefinition.
  {
    name: 'CRD: established is Current',
    obj: crd([cond('NamesAccepted', 'True'), cond('Established', 'True')]),
    status: 'Current',
  },
  {
    name: 'CRD: names not accepted is Failed',
    obj: crd([cond('NamesAccepted', 'False', 'MultipleNamesNotAllowed', 'plural conflicts')]),
    status: 'Failed',
    reason: 'MultipleNamesNotAllowed',
    message: 'plural conflicts',
  },
  {
    name: 'CRD: installing is InProgress',
    obj: crd([cond('NamesAccepted', 'True'), cond('Established', 'False', 'Installing')]),
    status: 'InProgress',
    reason: 'Installing',
  },
  {
    name: 'CRD: not established for another reason is Failed',
    obj: crd([cond('Established', 'False', 'Broken', 'x')]),
    status: 'Failed',
    reason: 'Broken',
  },
  { name: 'CRD: no conditions yet is InProgress', obj: crd([]), status: 'InProgress' },
  // PodDisruptionBudget.
  {
    name: 'PDB: observed is Current',
    obj: {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'p', generation: 1 },
      status: { observedGeneration: 1 },
    },
    status: 'Current',
  },
  {
    name: 'PDB: not yet observed is InProgress',
    obj: {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'p', generation: 2 },
      status: { observedGeneration: 1 },
    },
    status: 'InProgress',
  },
  // A kind-specific rule yields to the generic ones.
  {
    name: 'a Deployment being deleted is Terminating',
    obj: {
      ...deployment({}, { replicas: 0 }),
      metadata: { name: 'web', generation: 2, deletionTimestamp: '2024-05-01T10:00:00Z' },
    },
    status: 'Terminating',
  },
  {
    name: 'a kind with its own rule ignores its Ready condition (Pod Ready=False while pending)',
    obj: pod({ phase: 'Succeeded', conditions: [cond('Ready', 'False', 'PodCompleted')] }),
    status: 'Current',
  },
];

describe('computeStatus', () => {
  it.each(cases)('$name', ({ obj, status, reason, message, now }) => {
    const result = computeStatus(obj, now ? { now } : {});
    expect(result.status).toBe(status);
    if (reason !== undefined) expect(result.reason).toBe(reason);
    if (typeof message === 'string') expect(result.message).toBe(message);
    if (message instanceof RegExp) expect(result.message).toMatch(message);
    expect(result.message.length).toBeGreaterThan(0);
  });

  it('reads timestamps that client-node turned into Dates', () => {
    const withDate = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', creationTimestamp: new Date('2024-05-01T10:00:00Z') },
      status: { phase: 'Pending', conditions: [cond('PodScheduled', 'False', 'Unschedulable', 'no nodes')] },
    };
    expect(computeStatus(withDate, { now: new Date('2024-05-01T10:01:00Z') }).status).toBe('Failed');
  });
});
