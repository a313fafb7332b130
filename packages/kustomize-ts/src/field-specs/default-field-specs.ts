// Where kustomize's built-in transformers write, per kind: the default field specs of kustomize v5.
// Pod-spec references are expanded from the kinds that hold a pod spec rather than listed one by one.
import type { FieldSpec } from '../types.ts';

export type NameReferenceRule = {
  /** The kind being referred to (its renames are followed). */
  referral: { group?: string; version?: string; kind: string };
  /** Fields in other kinds that hold its name. */
  referrers: FieldSpec[];
};

type PodSpecHolder = { kind: string; group?: string; version?: string; prefix: string };

const POD: PodSpecHolder = { kind: 'Pod', version: 'v1', prefix: 'spec' };
const POD_TEMPLATE: PodSpecHolder = { kind: 'PodTemplate', prefix: 'template/spec' };
const CRON_JOB: PodSpecHolder = { kind: 'CronJob', prefix: 'spec/jobTemplate/spec/template/spec' };
const templated = (kind: string): PodSpecHolder => ({ kind, prefix: 'spec/template/spec' });

/** Kinds whose pod spec may name ConfigMaps and Secrets. */
const CONFIG_HOLDERS: PodSpecHolder[] = [
  POD,
  POD_TEMPLATE,
  templated('Deployment'),
  templated('ReplicaSet'),
  templated('DaemonSet'),
  templated('StatefulSet'),
  templated('Job'),
  CRON_JOB,
];
/** Kinds whose pod spec may name ServiceAccounts, PVCs and PriorityClasses. */
const WORKLOAD_HOLDERS: PodSpecHolder[] = [
  { kind: 'Pod', prefix: 'spec' },
  templated('StatefulSet'),
  templated('Deployment'),
  templated('ReplicationController'),
  CRON_JOB,
  templated('Job'),
  templated('DaemonSet'),
];

function inPodSpecs(holders: PodSpecHolder[], relativePaths: string[]): FieldSpec[] {
  return holders.flatMap((holder) =>
    relativePaths.map((path) => ({
      path: `${holder.prefix}/${path}`,
      kind: holder.kind,
      ...(holder.version ? { version: holder.version } : {}),
    })),
  );
}

const spec = (kind: string, path: string, extra: Partial<FieldSpec> = {}): FieldSpec => ({ kind, path, ...extra });

export const NAME_REFERENCE_RULES: NameReferenceRule[] = [
  ...['Deployment', 'ReplicationController', 'ReplicaSet', 'StatefulSet'].map((kind) => ({
    referral: { kind },
    referrers: [spec('HorizontalPodAutoscaler', 'spec/scaleTargetRef/name')],
  })),
  {
    referral: { kind: 'ConfigMap', version: 'v1' },
    referrers: [
      ...inPodSpecs(CONFIG_HOLDERS, [
        'volumes/configMap/name',
        'containers/env/valueFrom/configMapKeyRef/name',
        'initContainers/env/valueFrom/configMapKeyRef/name',
        'containers/envFrom/configMapRef/name',
        'initContainers/envFrom/configMapRef/name',
        'volumes/projected/sources/configMap/name',
      ]),
      spec('Node', 'spec/configSource/configMap'),
      spec('Role', 'rules/resourceNames'),
      spec('ClusterRole', 'rules/resourceNames'),
      spec('Ingress', 'metadata/annotations/nginx.ingress.kubernetes.io\\/fastcgi-params-configmap'),
    ],
  },
  {
    referral: { kind: 'Secret', version: 'v1' },
    referrers: [
      ...inPodSpecs(CONFIG_HOLDERS, [
        'volumes/secret/secretName',
        'containers/env/valueFrom/secretKeyRef/name',
        'initContainers/env/valueFrom/secretKeyRef/name',
        'containers/envFrom/secretRef/name',
        'initContainers/envFrom/secretRef/name',
        'imagePullSecrets/name',
        'volumes/projected/sources/secret/name',
      ]),
      spec('Ingress', 'spec/tls/secretName'),
      spec('Ingress', 'metadata/annotations/ingress.kubernetes.io\\/auth-secret'),
      spec('Ingress', 'metadata/annotations/nginx.ingress.kubernetes.io\\/auth-secret'),
      spec('Ingress', 'metadata/annotations/nginx.ingress.kubernetes.io\\/auth-tls-secret'),
      spec('ServiceAccount', 'imagePullSecrets/name'),
      spec('StorageClass', 'parameters/secretName'),
      spec('StorageClass', 'parameters/adminSecretName'),
      spec('StorageClass', 'parameters/userSecretName'),
      spec('StorageClass', 'parameters/secretRef'),
      spec('Role', 'rules/resourceNames'),
      spec('ClusterRole', 'rules/resourceNames'),
      spec('Service', 'spec/template/spec/containers/env/valueFrom/secretKeyRef/name', {
        group: 'serving.knative.dev',
        version: 'v1',
      }),
      spec('PersistentVolume', 'spec/azureFile/secretName'),
    ],
  },
  {
    referral: { kind: 'Service', version: 'v1' },
    referrers: [
      spec('StatefulSet', 'spec/serviceName', { group: 'apps' }),
      spec('Ingress', 'spec/rules/http/paths/backend/serviceName'),
      spec('Ingress', 'spec/backend/serviceName'),
      spec('Ingress', 'spec/rules/http/paths/backend/service/name'),
      spec('Ingress', 'spec/defaultBackend/service/name'),
      spec('APIService', 'spec/service/name', { group: 'apiregistration.k8s.io' }),
      spec('ValidatingWebhookConfiguration', 'webhooks/clientConfig/service', {
        group: 'admissionregistration.k8s.io',
      }),
      spec('MutatingWebhookConfiguration', 'webhooks/clientConfig/service', { group: 'admissionregistration.k8s.io' }),
      spec('HTTPRoute', 'spec/rules/backendRefs/name'),
    ],
  },
  {
    referral: { kind: 'Role', group: 'rbac.authorization.k8s.io' },
    referrers: [spec('RoleBinding', 'roleRef/name', { group: 'rbac.authorization.k8s.io' })],
  },
  {
    referral: { kind: 'ClusterRole', group: 'rbac.authorization.k8s.io' },
    referrers: [
      spec('RoleBinding', 'roleRef/name', { group: 'rbac.authorization.k8s.io' }),
      spec('ClusterRoleBinding', 'roleRef/name', { group: 'rbac.authorization.k8s.io' }),
    ],
  },
  {
    referral: { kind: 'ServiceAccount', version: 'v1' },
    referrers: [
      spec('RoleBinding', 'subjects', { group: 'rbac.authorization.k8s.io' }),
      spec('ClusterRoleBinding', 'subjects', { group: 'rbac.authorization.k8s.io' }),
      ...inPodSpecs(WORKLOAD_HOLDERS, ['serviceAccountName']),
    ],
  },
  {
    referral: { kind: 'PersistentVolumeClaim', version: 'v1' },
    referrers: inPodSpecs(WORKLOAD_HOLDERS, ['volumes/persistentVolumeClaim/claimName']),
  },
  {
    referral: { kind: 'PersistentVolume', version: 'v1' },
    referrers: [spec('PersistentVolumeClaim', 'spec/volumeName'), spec('ClusterRole', 'rules/resourceNames')],
  },
  {
    referral: { kind: 'StorageClass', version: 'v1', group: 'storage.k8s.io' },
    referrers: [
      spec('PersistentVolume', 'spec/storageClassName'),
      spec('PersistentVolumeClaim', 'spec/storageClassName'),
      spec('StatefulSet', 'spec/volumeClaimTemplates/spec/storageClassName'),
    ],
  },
  {
    referral: { kind: 'PriorityClass', version: 'v1', group: 'scheduling.k8s.io' },
    referrers: inPodSpecs(WORKLOAD_HOLDERS, ['priorityClassName']),
  },
  {
    referral: { kind: 'IngressClass', version: 'v1', group: 'networking.k8s.io/v1' },
    referrers: [spec('Ingress', 'spec/ingressClassName')],
  },
  {
    referral: { kind: 'ValidatingAdmissionPolicy', group: 'admissionregistration.k8s.io' },
    referrers: [spec('ValidatingAdmissionPolicyBinding', 'spec/policyName', { group: 'admissionregistration.k8s.io' })],
  },
];

const created = (path: string, kind?: string, extra: Partial<FieldSpec> = {}): FieldSpec => ({
  path,
  create: true,
  ...(kind ? { kind } : {}),
  ...extra,
});

/** Pod template labels: what `labels` with includeTemplates, and commonLabels, also write. */
export const TEMPLATE_LABEL_FIELD_SPECS: FieldSpec[] = [
  created('spec/template/metadata/labels', 'ReplicationController', { version: 'v1' }),
  created('spec/template/metadata/labels', 'Deployment'),
  created('spec/template/metadata/labels', 'ReplicaSet'),
  created('spec/template/metadata/labels', 'DaemonSet'),
  created('spec/template/metadata/labels', 'StatefulSet', { group: 'apps' }),
  created('spec/volumeClaimTemplates[]/metadata/labels', 'StatefulSet', { group: 'apps' }),
  created('spec/template/metadata/labels', 'Job', { group: 'batch' }),
  created('spec/jobTemplate/metadata/labels', 'CronJob', { group: 'batch' }),
  created('spec/jobTemplate/spec/template/metadata/labels', 'CronJob', { group: 'batch' }),
];

export const METADATA_LABELS_FIELD_SPEC: FieldSpec = created('metadata/labels');

const affinityPaths = [
  'spec/template/spec/affinity/podAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels',
  'spec/template/spec/affinity/podAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels',
  'spec/template/spec/affinity/podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels',
  'spec/template/spec/affinity/podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels',
  'spec/template/spec/topologySpreadConstraints/labelSelector/matchLabels',
];

/** commonLabels (and labels with includeSelectors): selectors as well as metadata and templates. */
export const COMMON_LABEL_FIELD_SPECS: FieldSpec[] = [
  created('spec/selector', 'Service', { version: 'v1' }),
  created('spec/selector', 'ReplicationController', { version: 'v1' }),
  created('spec/selector/matchLabels', 'Deployment'),
  ...affinityPaths.map((path) => spec('Deployment', path, { group: 'apps', create: false })),
  created('spec/selector/matchLabels', 'ReplicaSet'),
  created('spec/selector/matchLabels', 'DaemonSet'),
  created('spec/selector/matchLabels', 'StatefulSet', { group: 'apps' }),
  created('spec/volumeClaimTemplates[]/metadata/labels', 'StatefulSet', { group: 'apps' }),
  ...affinityPaths.map((path) => spec('StatefulSet', path, { group: 'apps', create: false })),
  spec('Job', 'spec/selector/matchLabels', { group: 'batch', create: false }),
  spec('CronJob', 'spec/jobTemplate/spec/selector/matchLabels', { group: 'batch', create: false }),
  spec('PodDisruptionBudget', 'spec/selector/matchLabels', { group: 'policy', create: false }),
  spec('NetworkPolicy', 'spec/podSelector/matchLabels', { group: 'networking.k8s.io', create: false }),
  spec('NetworkPolicy', 'spec/ingress/from/podSelector/matchLabels', { group: 'networking.k8s.io', create: false }),
  spec('NetworkPolicy', 'spec/egress/to/podSelector/matchLabels', { group: 'networking.k8s.io', create: false }),
  METADATA_LABELS_FIELD_SPEC,
  ...TEMPLATE_LABEL_FIELD_SPECS,
];

export const COMMON_ANNOTATION_FIELD_SPECS: FieldSpec[] = [
  created('metadata/annotations'),
  created('spec/template/metadata/annotations', 'ReplicationController', { version: 'v1' }),
  created('spec/template/metadata/annotations', 'Deployment'),
  created('spec/template/metadata/annotations', 'ReplicaSet'),
  created('spec/template/metadata/annotations', 'DaemonSet'),
  created('spec/template/metadata/annotations', 'StatefulSet'),
  created('spec/template/metadata/annotations', 'Job', { group: 'batch' }),
  created('spec/jobTemplate/metadata/annotations', 'CronJob', { group: 'batch' }),
  created('spec/jobTemplate/spec/template/metadata/annotations', 'CronJob', { group: 'batch' }),
];

export const NAMESPACE_FIELD_SPECS: FieldSpec[] = [
  created('metadata/namespace'),
  created('metadata/name', 'Namespace'),
  spec('RoleBinding', 'subjects[]/namespace'),
  spec('ClusterRoleBinding', 'subjects[]/namespace'),
  created('spec/service/namespace', 'APIService', { group: 'apiregistration.k8s.io' }),
  spec('CustomResourceDefinition', 'spec/conversion/webhook/clientConfig/service/namespace', {
    group: 'apiextensions.k8s.io',
  }),
];

/** namePrefix/nameSuffix apply to metadata/name of everything but these. */
export const NAME_PREFIX_SKIPPED: FieldSpec[] = [
  spec('Namespace', 'metadata/name', { version: 'v1' }),
  spec('CustomResourceDefinition', 'metadata/name'),
  spec('APIService', 'metadata/name', { group: 'apiregistration.k8s.io' }),
];

export const IMAGE_FIELD_SPECS: FieldSpec[] = [
  created('spec/containers[]/image'),
  created('spec/initContainers[]/image'),
  created('spec/volumes[]/image/reference'),
  created('spec/template/spec/containers[]/image'),
  created('spec/template/spec/initContainers[]/image'),
  created('spec/template/spec/volumes[]/image/reference'),
];

export const REPLICA_FIELD_SPECS: FieldSpec[] = [
  'Deployment',
  'ReplicationController',
  'ReplicaSet',
  'StatefulSet',
].map((kind) => created('spec/replicas', kind));
