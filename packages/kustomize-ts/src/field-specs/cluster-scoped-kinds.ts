// Whether a kind lives outside namespaces; unknown kinds (custom resources) count as namespaced, as in kustomize.
import { CLUSTER_SCOPED_KINDS } from './cluster-scoped-kinds-data.ts';

const CLUSTER_SCOPED = new Set(CLUSTER_SCOPED_KINDS);

export function isClusterScoped(group: string, kind: string): boolean {
  return CLUSTER_SCOPED.has(`${group}/${kind}`);
}
