// CEL health checks over objects as the API returns them.
import { describe, expect, it } from 'vitest';
import { CelCompileError } from '@fluxion/runtime/cel';
import { compileHealthCheckExprs } from './health-check-exprs.ts';

const database = (phase: string | undefined, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'db.example.com/v1',
  kind: 'Database',
  metadata: { name: 'main', generation: 2 },
  ...(phase ? { status: { phase, observedGeneration: 2, ...extra } } : {}),
});

const judge = compileHealthCheckExprs([
  {
    apiVersion: 'db.example.com/v1',
    kind: 'Database',
    current: "status.phase == 'Running'",
    inProgress: "status.phase in ['Pending', 'Provisioning']",
    failed: "status.phase == 'Failed'",
  },
  { apiVersion: 'other.example.com/v1', current: 'status.ready == true' },
]);

describe('healthCheckExprs', () => {
  it('evaluates inProgress, failed and current, in that order', () => {
    expect(judge(database('Running'))?.status).toBe('Current');
    expect(judge(database('Provisioning'))?.status).toBe('InProgress');
    expect(judge(database('Failed'))).toEqual({ status: 'Failed', message: "failed: status.phase == 'Failed'" });
    expect(judge(database('Unheard-of'))?.status).toBe('InProgress');
  });

  it('waits (InProgress, with the error) while a field the expressions read is missing', () => {
    const result = judge(database(undefined));
    expect(result?.status).toBe('InProgress');
    expect(result?.message).toMatch(/^expression 'status\.phase in \[/);
  });

  it('waits for observedGeneration to reach generation', () => {
    expect(judge({ ...database('Running'), metadata: { name: 'main', generation: 3 } })?.status).toBe('InProgress');
  });

  it('an entry without kind covers every kind of its apiVersion; other kinds are left to kstatus', () => {
    const anything = {
      apiVersion: 'other.example.com/v1',
      kind: 'Anything',
      metadata: { name: 'a' },
      status: { ready: true },
    };
    expect(judge(anything)?.status).toBe('Current');
    expect(judge({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'a' } })).toBeUndefined();
  });

  it('an expression that does not compile names its field, the expression and the error', () => {
    expect(() => compileHealthCheckExprs([{ apiVersion: 'v1', kind: 'X', current: 'status.(' }])).toThrow(
      CelCompileError,
    );
    expect(() =>
      compileHealthCheckExprs([{ apiVersion: 'v1', kind: 'X', current: 'true', failed: 'status.phase ==' }]),
    ).toThrow(/^spec\.healthCheckExprs\[0\]\.failed: failed to parse CEL expression 'status\.phase ==': /);
  });
});
