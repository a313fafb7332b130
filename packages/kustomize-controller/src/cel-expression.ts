// CEL expressions (health checks, dependency readiness), compiled once with @bufbuild/cel and evaluated to a boolean.
import { celEnv, isCelError, parse, plan } from '@bufbuild/cel';

/** An expression does not compile; the spec must change: Stalled, with the expression and the parser's error. */
export class CelCompileError extends Error {
  override readonly name = 'CelCompileError';
  readonly reason = 'InvalidCELExpression';
}

/** An expression failed while evaluating (a missing field, a non-boolean result). */
export class CelEvaluationError extends Error {
  override readonly name = 'CelEvaluationError';
}

export interface CelExpression {
  readonly source: string;
  /** True or false; throws CelEvaluationError when it errs or is not a boolean. */
  evaluate(variables: Readonly<Record<string, unknown>>): boolean;
}

const environment = celEnv();
const compiled = new Map<string, CelExpression>();

/** `field` names where the expression is, for the message (e.g. `spec.healthCheckExprs[0].current`). */
export function compileCel(source: string, field: string): CelExpression {
  const cached = compiled.get(source);
  if (cached) return cached;
  let program: ReturnType<typeof plan>;
  try {
    program = plan(environment, parse(source));
  } catch (error) {
    throw new CelCompileError(`${field}: failed to parse CEL expression '${source}': ${(error as Error).message}`);
  }
  const expression: CelExpression = {
    source,
    evaluate(variables) {
      let result: unknown;
      try {
        result = program(variables as Record<string, never>);
      } catch (error) {
        throw new CelEvaluationError(`expression '${source}' failed: ${(error as Error).message}`);
      }
      if (isCelError(result)) throw new CelEvaluationError(`expression '${source}' failed: ${result.message}`);
      if (typeof result !== 'boolean') throw new CelEvaluationError(`expression '${source}' must return a boolean, got ${typeof result}`);
      return result;
    },
  };
  // expressions come from specs: a bounded set, but keep the cache from growing without end
  if (compiled.size > 1_000) compiled.clear();
  compiled.set(source, expression);
  return expression;
}
