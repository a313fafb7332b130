import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { ObjectHistogram } from './object-histogram.ts';

function histogram() {
  const registry = new Registry();
  const metric = new ObjectHistogram({
    name: 'reconcile_seconds',
    help: 'How long a reconcile took.',
    labelNames: ['kind', 'name'],
    buckets: [0.1, 1],
    registers: [registry],
  });
  return { registry, metric };
}

describe('ObjectHistogram', () => {
  it('renders cumulative buckets, +Inf, sum and count per object, as Prometheus expects', async () => {
    const { registry, metric } = histogram();
    metric.observe({ kind: 'GitRepository', name: 'podinfo' }, 0.05);
    metric.observe({ kind: 'GitRepository', name: 'podinfo' }, 0.5);
    metric.observe({ kind: 'GitRepository', name: 'podinfo' }, 7);
    metric.observe({ kind: 'Kustomization', name: 'apps' }, 1);
    expect(await registry.metrics()).toBe(
      [
        '# HELP reconcile_seconds How long a reconcile took.',
        '# TYPE reconcile_seconds histogram',
        'reconcile_seconds_bucket{kind="GitRepository",name="podinfo",le="0.1"} 1',
        'reconcile_seconds_bucket{kind="GitRepository",name="podinfo",le="1"} 2',
        'reconcile_seconds_bucket{kind="GitRepository",name="podinfo",le="+Inf"} 3',
        'reconcile_seconds_sum{kind="GitRepository",name="podinfo"} 7.55',
        'reconcile_seconds_count{kind="GitRepository",name="podinfo"} 3',
        'reconcile_seconds_bucket{kind="Kustomization",name="apps",le="0.1"} 0',
        'reconcile_seconds_bucket{kind="Kustomization",name="apps",le="1"} 1',
        'reconcile_seconds_bucket{kind="Kustomization",name="apps",le="+Inf"} 1',
        'reconcile_seconds_sum{kind="Kustomization",name="apps"} 1',
        'reconcile_seconds_count{kind="Kustomization",name="apps"} 1',
        '',
      ].join('\n'),
    );
  });

  it('drops the series of a removed object and everything on reset', async () => {
    const { registry, metric } = histogram();
    metric.observe({ kind: 'GitRepository', name: 'gone' }, 0.05);
    metric.observe({ kind: 'GitRepository', name: 'kept' }, 0.05);
    metric.remove({ kind: 'GitRepository', name: 'gone' });
    const text = await registry.metrics();
    expect(text).not.toContain('name="gone"');
    expect(text).toContain('reconcile_seconds_count{kind="GitRepository",name="kept"} 1');
    expect(metric.size).toBe(1);
    registry.resetMetrics();
    expect(metric.size).toBe(0);
  });

  it('refuses a value that is not a finite number', () => {
    expect(() => histogram().metric.observe({ kind: 'GitRepository', name: 'x' }, Number.NaN)).toThrow(
      /reconcile_seconds: cannot observe NaN/,
    );
  });
});
