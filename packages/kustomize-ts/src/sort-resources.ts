// The output order: kustomize's legacy kind order (the default) or the order resources were read in (fifo).
import { currentId, type ResId, type Resource } from './resource.ts';
import type { SortOptions } from './types.ts';

export const LEGACY_ORDER_FIRST: readonly string[] = [
  'Namespace',
  'ResourceQuota',
  'StorageClass',
  'CustomResourceDefinition',
  'ServiceAccount',
  'PodSecurityPolicy',
  'Role',
  'ClusterRole',
  'RoleBinding',
  'ClusterRoleBinding',
  'ConfigMap',
  'Secret',
  'Endpoints',
  'Service',
  'LimitRange',
  'PriorityClass',
  'PersistentVolume',
  'PersistentVolumeClaim',
  'Deployment',
  'StatefulSet',
  'CronJob',
  'PodDisruptionBudget',
];
export const LEGACY_ORDER_LAST: readonly string[] = ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'];

function gvkString(id: ResId): string {
  return [id.group || '~G', id.version || '~V', id.kind || '~K'].join('_');
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** An id with its gvk text, worked out once per resource rather than once per comparison. */
type SortKey = ResId & { gvk: string };

function legacyComparator(
  orderFirst: readonly string[],
  orderLast: readonly string[],
): (a: SortKey, b: SortKey) => number {
  const rank = new Map<string, number>();
  orderFirst.forEach((kind, index) => rank.set(kind, index - orderFirst.length));
  orderLast.forEach((kind, index) => rank.set(kind, index + 1));
  return (a, b) => {
    const gvkA = a.gvk;
    const gvkB = b.gvk;
    if (gvkA !== gvkB) {
      const rankA = rank.get(a.kind) ?? 0;
      const rankB = rank.get(b.kind) ?? 0;
      if (rankA !== rankB) return rankA - rankB;
      return compareText(gvkA, gvkB);
    }
    // Within one kind: by namespace (none sorts last), then name.
    const byNamespace = compareText(a.namespace || '~X', b.namespace || '~X');
    return byNamespace !== 0 ? byNamespace : compareText(a.name, b.name);
  };
}

export function sortResources(resources: Resource[], options: SortOptions | undefined): Resource[] {
  if (options?.order === 'fifo') return [...resources];
  const legacy = options?.legacySortOptions;
  const compare = legacyComparator(legacy?.orderFirst ?? LEGACY_ORDER_FIRST, legacy?.orderLast ?? LEGACY_ORDER_LAST);
  const keyed = resources.map((resource) => {
    const id = currentId(resource);
    return { resource, key: { ...id, gvk: gvkString(id) } };
  });
  return keyed.sort((a, b) => compare(a.key, b.key)).map(({ resource }) => resource);
}
