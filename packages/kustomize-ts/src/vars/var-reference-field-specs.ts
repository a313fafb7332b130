// The fields kustomize substitutes `$(VAR)` in (its built-in varReference field specs, v5).
import type { FieldSpec } from '../types.ts';

const podTemplateFields = ['containers', 'initContainers'].flatMap((list) =>
  ['args', 'command', 'env/value', 'volumeMounts/mountPath'].map((field) => `${list}/${field}`),
);

const podSpecPaths: Record<string, string> = {
  CronJob: 'spec/jobTemplate/spec/template/spec',
  DaemonSet: 'spec/template/spec',
  Deployment: 'spec/template/spec',
  Job: 'spec/template/spec',
  Pod: 'spec',
  ReplicaSet: 'spec/template/spec',
  StatefulSet: 'spec/template/spec',
};

export const VAR_REFERENCE_FIELD_SPECS: FieldSpec[] = [
  ...Object.entries(podSpecPaths).flatMap(([kind, podSpec]) =>
    podTemplateFields.map((field) => ({ kind, path: `${podSpec}/${field}` })),
  ),
  // NFS volume servers; kustomize's CronJob and StatefulSet paths are written so (they reach no pod volume).
  ...Object.entries({
    CronJob: 'spec/jobTemplate/spec/template/volumes',
    DaemonSet: 'spec/template/spec/volumes',
    Deployment: 'spec/template/spec/volumes',
    Job: 'spec/template/spec/volumes',
    Pod: 'spec/volumes',
    ReplicaSet: 'spec/template/spec/volumes',
    StatefulSet: 'spec/volumeClaimTemplates/spec',
    PersistentVolume: 'spec',
  }).map(([kind, parent]) => ({ kind, path: `${parent}/nfs/server` })),
  { kind: 'Deployment', path: 'spec/template/metadata/annotations' },
  { kind: 'Ingress', path: 'spec/rules/host' },
  { kind: 'Ingress', path: 'spec/tls/hosts' },
  { kind: 'Ingress', path: 'spec/tls/secretName' },
  { kind: 'Service', path: 'spec/ports/port' },
  { kind: 'Service', path: 'spec/ports/targetPort' },
  { path: 'metadata/labels' },
  { path: 'metadata/annotations' },
];
