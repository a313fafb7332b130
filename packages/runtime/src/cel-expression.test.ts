import { describe, expect, it } from 'vitest';
import { CelCompileError, CelEvaluationError, compileCel } from './cel-expression.ts';

describe('compileCel', () => {
  const event = { involvedObject: { kind: 'Kustomization', name: 'Web' }, metadata: { cluster: 'prod-1' } };

  it('evaluates to a string, with the optional fields and string functions Flux users write', () => {
    const expression = compileCel(
      "(event.involvedObject.kind + '/' + event.involvedObject.name).lowerAscii() + '/' + event.metadata.?cluster.orValue('none')",
      'spec.commitStatusExpr',
    );
    expect(expression.evaluateString({ event })).toBe('kustomization/web/prod-1');
    expect(expression.evaluateString({ event: { ...event, metadata: {} } })).toBe('kustomization/web/none');
  });

  it('names the field of an expression that does not parse, and a result of the wrong type', () => {
    expect(() => compileCel('event.(', 'spec.commitStatusExpr')).toThrow(CelCompileError);
    expect(() => compileCel('event.(', 'spec.commitStatusExpr')).toThrow(/^spec.commitStatusExpr: failed to parse/);
    expect(() => compileCel('1 + 1', 'x').evaluateString({})).toThrow(CelEvaluationError);
    expect(() => compileCel("'a'", 'x').evaluate({})).toThrow(/must return a boolean, got string/);
  });
});
