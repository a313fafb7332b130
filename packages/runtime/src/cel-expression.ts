// CEL expressions (a Kustomization's health checks and dependency readiness, a Provider's commit status id), compiled
// once with @marcbachmann/cel-js and evaluated to a boolean or a string. Variables are dynamic (the objects as the API
// returns them); optional fields (`a.?b.orValue(x)`) are on. Served as @fluxion/runtime/cel, outside the runtime's
// index, so that only a controller that evaluates CEL loads the library.
import { Environment } from '@marcbachmann/cel-js';

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
  /** A string; throws CelEvaluationError when it errs or is not a string. */
  evaluateString(variables: Readonly<Record<string, unknown>>): string;
}

const environment = new Environment({
  unlistedVariablesAreDyn: true,
  enableOptionalTypes: true,
  homogeneousAggregateLiterals: false,
});
const compiled = new Map<string, CelExpression>();

/** `field` names where the expression is, for the message (e.g. `spec.healthCheckExprs[0].current`). */
export function compileCel(source: string, field: string): CelExpression {
  const cached = compiled.get(source);
  if (cached) return cached;
  let program: (variables: Record<string, unknown>) => unknown;
  try {
    program = environment.parse(source);
  } catch (error) {
    throw new CelCompileError(`${field}: failed to parse CEL expression '${source}': ${firstLine(error)}`);
  }
  const run = (variables: Readonly<Record<string, unknown>>): unknown => {
    try {
      return program(variables as Record<string, unknown>);
    } catch (error) {
      throw new CelEvaluationError(`expression '${source}' failed: ${firstLine(error)}`);
    }
  };
  const expression: CelExpression = {
    source,
    evaluate(variables) {
      const result = run(variables);
      if (typeof result !== 'boolean')
        throw new CelEvaluationError(`expression '${source}' must return a boolean, got ${typeof result}`);
      return result;
    },
    evaluateString(variables) {
      const result = run(variables);
      if (typeof result !== 'string')
        throw new CelEvaluationError(`expression '${source}' must return a string, got ${typeof result}`);
      return result;
    },
  };
  // expressions come from specs: a bounded set, but keep the cache from growing without end
  if (compiled.size > 1_000) compiled.clear();
  compiled.set(source, expression);
  return expression;
}

/** The library's messages draw the expression under the error on further lines: the first line says it. */
function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}
