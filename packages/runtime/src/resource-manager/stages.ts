// Apply order: cluster definitions (CRDs, Namespaces, ClusterRoles...) first, then *Class kinds, then everything else.
import type { KubernetesObject } from '@kubernetes/client-node';
import { parseApiVersion } from '../group-version-kind.ts';

export type Stage = 'cluster-definitions' | 'class-definitions' | 'resources';

export const stageOrder: readonly Stage[] = ['cluster-definitions', 'class-definitions', 'resources'];

const clusterDefinitions = new Map<string, string>([
  ['CustomResourceDefinition', 'apiextensions.k8s.io'],
  ['Namespace', ''],
  ['ClusterRole', 'rbac.authorization.k8s.io'],
  ['ClusterRoleBinding', 'rbac.authorization.k8s.io'],
]);

export function stageOf(object: KubernetesObject): Stage {
  const kind = object.kind ?? '';
  const group = parseApiVersion(object.apiVersion ?? '').group;
  if (clusterDefinitions.get(kind) === group) return 'cluster-definitions';
  // StorageClass, IngressClass, PriorityClass, RuntimeClass, GatewayClass...: things the rest refer to by name
  if (kind.endsWith('Class')) return 'class-definitions';
  return 'resources';
}

/** The objects of each stage, in stage order, each keeping its input order. Empty stages are left out. */
export function splitIntoStages<T extends KubernetesObject>(
  objects: readonly T[],
): Array<{ stage: Stage; objects: T[] }> {
  return stageOrder
    .map((stage) => ({ stage, objects: objects.filter((object) => stageOf(object) === stage) }))
    .filter((group) => group.objects.length > 0);
}

export function isCustomResourceDefinition(object: KubernetesObject): boolean {
  return (
    object.kind === 'CustomResourceDefinition' &&
    parseApiVersion(object.apiVersion ?? '').group === 'apiextensions.k8s.io'
  );
}
