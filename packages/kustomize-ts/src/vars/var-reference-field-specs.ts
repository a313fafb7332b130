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
  { kind: 'Ingress', path: 'spec/rules/host' },
  { kind: 'Ingress', path: 'spec/tls/hosts' },
  { kind: 'Ingress', path: 'spec/tls/secretName' },
  { kind: 'Service', path: 'spec/ports/port' },
  { kind: 'Service', path: 'spec/ports/targetPort' },
  { path: 'metadata/labels' },
  { path: 'metadata/annotations' },
];
