// Checks a HelmChart's spec before any work: what no retry can fix is Stalled.
import type { HelmChartSpec } from '@fluxion/api';
import { duration } from './helmrepository-spec.ts';
import { SourceError } from './source-error.ts';

export interface HelmChartPlan {
  chart: string;
  version: string;
  sourceKind: 'HelmRepository' | 'GitRepository' | 'Bucket';
  sourceName: string;
  intervalMs: number;
  reconcileStrategy: 'ChartVersion' | 'Revision';
  valuesFiles: string[];
  ignoreMissingValuesFiles: boolean;
}

export function planHelmChart(spec: HelmChartSpec | undefined): HelmChartPlan {
  if (!spec) throw new SourceError('InvalidSpec', 'spec is missing', { stalled: true });
  if (!spec.chart?.trim()) throw new SourceError('InvalidChartReference', 'spec.chart is empty', { stalled: true });
  const sourceKind = spec.sourceRef?.kind;
  if (sourceKind !== 'HelmRepository' && sourceKind !== 'GitRepository' && sourceKind !== 'Bucket') {
    throw new SourceError(
      'InvalidSpec',
      `spec.sourceRef.kind '${String(sourceKind)}' is not HelmRepository, GitRepository or Bucket`,
      { stalled: true },
    );
  }
  if (spec.verify) {
    // Never silently skipped: an unverified chart must not look verified.
    throw new SourceError(
      'VerificationError',
      `spec.verify (${spec.verify.provider}) is not supported by this controller yet: remove it to use the chart unverified`,
      { stalled: true },
    );
  }
  return {
    chart: spec.chart.trim(),
    version: spec.version?.trim() || '*',
    sourceKind,
    sourceName: spec.sourceRef.name,
    intervalMs: duration(spec.interval, 'spec.interval'),
    reconcileStrategy: spec.reconcileStrategy === 'Revision' ? 'Revision' : 'ChartVersion',
    valuesFiles: (spec.valuesFiles ?? []).filter((file) => file.trim() !== ''),
    ignoreMissingValuesFiles: spec.ignoreMissingValuesFiles ?? false,
  };
}
