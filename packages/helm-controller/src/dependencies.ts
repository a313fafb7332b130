// dependsOn: HelmReleases and (beyond Flux) Kustomizations that must be Ready, at their latest generation, first.
import type { HelmRelease } from '@fluxion/api';

export class DependencyNotReadyError extends Error {
  override readonly name = 'DependencyNotReadyError';
  readonly reason = 'DependencyNotReady';
}

interface Dependable {
  metadata?: { generation?: number };
  status?: { observedGeneration?: number; conditions?: Array<{ type: string; status: string }> };
}

export type DependencyLookup = (
  kind: 'HelmRelease' | 'Kustomization',
  namespace: string,
  name: string,
) => Dependable | undefined;

/** `Kind/namespace/name` of each dependency, HelmRelease when no kind is given. */
export function dependencyKeys(hr: HelmRelease): string[] {
  return (hr.spec?.dependsOn ?? []).map(
    (dependency) =>
      `${dependency.kind ?? 'HelmRelease'}/${dependency.namespace || hr.metadata?.namespace || ''}/${dependency.name}`,
  );
}

/** Throws DependencyNotReadyError naming the first dependency that is missing or not Ready. */
export function checkDependencies(hr: HelmRelease, lookup: DependencyLookup): void {
  for (const dependency of hr.spec?.dependsOn ?? []) {
    const kind = dependency.kind ?? 'HelmRelease';
    const namespace = dependency.namespace || hr.metadata?.namespace || '';
    const subject = `${kind} '${namespace}/${dependency.name}'`;
    const object = lookup(kind, namespace, dependency.name);
    if (!object) throw new DependencyNotReadyError(`dependency ${subject} not found`);
    const ready = object.status?.conditions?.find((condition) => condition.type === 'Ready');
    const current =
      object.metadata?.generation === undefined || object.status?.observedGeneration === object.metadata.generation;
    if (ready?.status !== 'True' || !current) throw new DependencyNotReadyError(`dependency ${subject} is not ready`);
  }
}
