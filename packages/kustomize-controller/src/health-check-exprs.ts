// spec.healthCheckExprs: the status of custom resources judged by CEL (inProgress, then failed, then current), as Flux
// does; an entry without kind covers every kind of its apiVersion that has no entry of its own.
import type { KubernetesObject } from '@kubernetes/client-node';
import type { KStatusResult } from '@fluxion/runtime';
import { CelEvaluationError, compileCel, type CelExpression } from '@fluxion/runtime/cel';

export interface HealthCheckExpr {
  apiVersion: string;
  kind?: string;
  current: string;
  inProgress?: string;
  failed?: string;
}

interface CompiledCheck {
  current: CelExpression;
  inProgress?: CelExpression;
  failed?: CelExpression;
}

/** Compiles every expression (CelCompileError names the first that does not); the judge for objects they cover. */
export function compileHealthCheckExprs(
  exprs: readonly HealthCheckExpr[],
): (object: KubernetesObject) => KStatusResult | undefined {
  const byKind = new Map<string, CompiledCheck>();
  exprs.forEach((expr, index) => {
    const field = (name: string) => `spec.healthCheckExprs[${index}].${name}`;
    const check: CompiledCheck = {
      current: compileCel(expr.current, field('current')),
      ...(expr.inProgress ? { inProgress: compileCel(expr.inProgress, field('inProgress')) } : {}),
      ...(expr.failed ? { failed: compileCel(expr.failed, field('failed')) } : {}),
    };
    const key = `${expr.apiVersion}|${expr.kind ?? ''}`;
    if (!byKind.has(key)) byKind.set(key, check);
  });
  return (object) => {
    const check =
      byKind.get(`${object.apiVersion ?? ''}|${object.kind ?? ''}`) ?? byKind.get(`${object.apiVersion ?? ''}|`);
    return check ? evaluate(check, object) : undefined;
  };
}

function evaluate(check: CompiledCheck, object: KubernetesObject): KStatusResult {
  const fields = object as KubernetesObject & { status?: { observedGeneration?: number } };
  const generation = object.metadata?.generation;
  const observed = fields.status?.observedGeneration;
  if (generation !== undefined && observed !== undefined && observed !== generation) {
    return { status: 'InProgress', message: `observedGeneration ${observed} is not generation ${generation} yet` };
  }
  // the expressions see the object's top-level fields (status, spec, metadata, ...) as variables
  const variables = { ...(object as Record<string, unknown>) };
  try {
    if (check.inProgress?.evaluate(variables))
      return { status: 'InProgress', message: `in progress: ${check.inProgress.source}` };
    if (check.failed?.evaluate(variables)) return { status: 'Failed', message: `failed: ${check.failed.source}` };
    if (check.current.evaluate(variables)) return { status: 'Current', message: `current: ${check.current.source}` };
  } catch (error) {
    // a field the resource has not written yet: wait, as Flux does, with the error for whoever looks
    if (error instanceof CelEvaluationError) return { status: 'InProgress', message: error.message };
    throw error;
  }
  return { status: 'InProgress', message: 'no health check expression is true yet' };
}
