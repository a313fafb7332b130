// Per-object annotations that change how an object is applied or pruned, with Flux's names and values.
import type { KubernetesObject } from '@kubernetes/client-node';

export const SsaAnnotation = 'kustomize.toolkit.fluxcd.io/ssa';
export const ForceAnnotation = 'kustomize.toolkit.fluxcd.io/force';
export const PruneAnnotation = 'kustomize.toolkit.fluxcd.io/prune';
/** The older way to say `ssa: Ignore`. */
export const ReconcileAnnotation = 'kustomize.toolkit.fluxcd.io/reconcile';

/**
 * Override (default): our fields win and fields kubectl left are taken over and removed.
 * Merge: our fields win, fields set by other tools stay. IfNotPresent: created once, then left alone.
 * Ignore: never applied.
 */
export type SsaPolicy = 'Override' | 'Merge' | 'IfNotPresent' | 'Ignore';

const policies: Record<string, SsaPolicy> = {
  override: 'Override',
  merge: 'Merge',
  ifnotpresent: 'IfNotPresent',
  ignore: 'Ignore',
};

export function ssaPolicyOf(object: KubernetesObject): SsaPolicy {
  const annotations = object.metadata?.annotations ?? {};
  if (annotations[ReconcileAnnotation]?.toLowerCase() === 'disabled') return 'Ignore';
  return policies[annotations[SsaAnnotation]?.toLowerCase() ?? ''] ?? 'Override';
}

/** `force: Enabled` recreates this object when an immutable field changed, whatever spec.force says. */
export function isForceEnabled(object: KubernetesObject): boolean {
  return object.metadata?.annotations?.[ForceAnnotation]?.toLowerCase() === 'enabled';
}

/** As Flux: `prune: disabled` as an annotation or a label, in any letter case. */
export function isPruneDisabled(object: KubernetesObject): boolean {
  return [object.metadata?.annotations?.[PruneAnnotation], object.metadata?.labels?.[PruneAnnotation]].some(
    (value) => value?.toLowerCase() === 'disabled',
  );
}
