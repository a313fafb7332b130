// dependsOn: is every dependency ready for us to apply, and, on deletion, have our dependents gone first?
import type { Kustomization } from '@fluxion/api';
import { CelEvaluationError, compileCel, type CelExpression } from '@fluxion/runtime/cel';

/** A dependency is missing or not ready yet; the reconcile is retried after `--requeue-dependency`. */
export class DependencyNotReadyError extends Error {
  override readonly name = 'DependencyNotReadyError';
  readonly reason = 'DependencyNotReady';
}

/** The dependencies form a cycle, which no retry can resolve. */
export class DependencyCycleError extends Error {
  override readonly name = 'DependencyCycleError';
  readonly reason = 'DependencyNotReady';
}

export type KustomizationLookup = (namespace: string, name: string) => Kustomization | undefined;
/** The current artifact revision of a Kustomization's source, when it is known. */
export type SourceRevisionLookup = (kustomization: Kustomization) => string | undefined;

export function keyOf(kustomization: Kustomization): string {
  return `${kustomization.metadata?.namespace ?? ''}/${kustomization.metadata?.name ?? ''}`;
}

/** `namespace/name` of each dependency; a dependency without a namespace is in the Kustomization's own. */
export function dependencyKeys(kustomization: Kustomization): string[] {
  const namespace = kustomization.metadata?.namespace ?? '';
  return (kustomization.spec?.dependsOn ?? []).map(
    (dependency) => `${dependency.namespace || namespace}/${dependency.name}`,
  );
}

/**
 * Throws DependencyNotReadyError naming the first dependency that is missing, not Ready for its latest generation,
 * or has not yet applied its source's current revision; DependencyCycleError when the chain comes back to us.
 */
export function checkDependencies(
  kustomization: Kustomization,
  lookup: KustomizationLookup,
  sourceRevisionOf: SourceRevisionLookup,
  options: { additiveCel?: boolean } = {},
): void {
  assertNoCycle(kustomization, lookup);
  const entries = kustomization.spec?.dependsOn ?? [];
  for (const [index, key] of dependencyKeys(kustomization).entries()) {
    const [namespace = '', name = ''] = key.split('/');
    const dependency = lookup(namespace, name);
    if (!dependency) throw new DependencyNotReadyError(`unable to get '${key}' dependency: Kustomization not found`);
    const ready = dependency.status?.conditions?.find((condition) => condition.type === 'Ready');
    if (dependency.metadata?.deletionTimestamp)
      throw new DependencyNotReadyError(`dependency '${key}' is being deleted`);
    const readyExpr = entries[index]?.readyExpr;
    if (readyExpr) {
      // as Flux: the expression replaces the built-in readiness check, unless AdditiveCELDependencyCheck asks for both
      assertReadyByExpression(
        kustomization,
        dependency,
        key,
        compileCel(readyExpr, `spec.dependsOn[${index}].readyExpr`),
      );
      if (!options.additiveCel) continue;
    }
    if (dependency.metadata?.generation !== dependency.status?.observedGeneration || ready?.status !== 'True') {
      throw new DependencyNotReadyError(`dependency '${key}' is not ready`);
    }
    const revision = sourceRevisionOf(dependency);
    if (revision !== undefined && dependency.status?.lastAppliedRevision !== revision) {
      throw new DependencyNotReadyError(
        `dependency '${key}' revision is not up to date: applied '${dependency.status?.lastAppliedRevision ?? ''}', source has '${revision}'`,
      );
    }
  }
}

function assertReadyByExpression(
  self: Kustomization,
  dep: Kustomization,
  key: string,
  expression: CelExpression,
): void {
  let ready: boolean;
  try {
    ready = expression.evaluate({ self, dep });
  } catch (error) {
    if (error instanceof CelEvaluationError)
      throw new DependencyNotReadyError(`dependency '${key}' is not ready: ${error.message}`);
    throw error;
  }
  if (!ready)
    throw new DependencyNotReadyError(`dependency '${key}' is not ready according to readyExpr '${expression.source}'`);
}

function assertNoCycle(start: Kustomization, lookup: KustomizationLookup): void {
  const startKey = keyOf(start);
  const seen = new Set<string>();
  const pending: Array<{ key: string; path: string[] }> = dependencyKeys(start).map((key) => ({
    key,
    path: [startKey, key],
  }));
  for (let next = pending.pop(); next; next = pending.pop()) {
    const { key, path } = next;
    if (key === startKey) throw new DependencyCycleError(`circular dependency: ${path.join(' -> ')}`);
    if (seen.has(key)) continue;
    seen.add(key);
    const [namespace = '', name = ''] = key.split('/');
    const dependency = lookup(namespace, name);
    if (dependency)
      for (const nextKey of dependencyKeys(dependency)) pending.push({ key: nextKey, path: [...path, nextKey] });
  }
}

/** Kustomizations that name `key` in their dependsOn. */
export function dependentsOf(key: string, all: readonly Kustomization[]): Kustomization[] {
  return all.filter((candidate) => dependencyKeys(candidate).includes(key));
}

/**
 * On deletion, the dependents that are being deleted too and still exist: their objects must go first, so the
 * dependency waits. A dependent that stays is no reason to wait (Flux does not wait at all).
 */
export function dependentsBlockingTeardown(key: string, all: readonly Kustomization[]): Kustomization[] {
  return dependentsOf(key, all).filter((dependent) => dependent.metadata?.deletionTimestamp);
}
