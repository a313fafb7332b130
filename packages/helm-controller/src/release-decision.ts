// Decides what a reconcile does to the Helm release, and what a failure leads to: pure, as Flux's release state.
import type { HelmRelease, ReleaseSnapshot } from '@fluxion/api';
import { sha256Of } from './digests.ts';
import { NameLabel, NamespaceLabel } from './helm-args.ts';
import { pendingStatuses, type StoredRelease } from './release-storage.ts';

export interface DesiredRelease {
  chartName: string;
  chartVersion: string;
  configDigest: string;
  postRenderersDigest: string;
  commonMetadataDigest: string;
}

export type Decision =
  | { action: 'install'; reason: string; replace?: boolean }
  | { action: 'upgrade'; reason: string }
  | { action: 'unlock'; release: StoredRelease; reason: string }
  | { action: 'refuse'; reason: string }
  | { action: 'none'; reason: string };

/** True when a revision of this release was made for this HelmRelease (our labels, or a snapshot in its history). */
export function isOwnedBy(hr: HelmRelease, releases: readonly StoredRelease[]): boolean {
  const history = hr.status?.history ?? [];
  return releases.some(
    (release) =>
      (release.labels[NameLabel] === hr.metadata?.name && release.labels[NamespaceLabel] === hr.metadata?.namespace) ||
      history.some(
        (snapshot) =>
          snapshot.name === release.name &&
          snapshot.namespace === release.namespace &&
          snapshot.version === release.version,
      ),
  );
}

export function decide(hr: HelmRelease, desired: DesiredRelease, releases: readonly StoredRelease[]): Decision {
  const latest = releases.at(-1);
  if (!latest) return { action: 'install', reason: 'no release in storage' };
  if (!isOwnedBy(hr, releases)) {
    const owner = latest.labels[NameLabel]
      ? `HelmRelease ${latest.labels[NamespaceLabel] ?? ''}/${latest.labels[NameLabel]}`
      : 'another tool';
    return {
      action: 'refuse',
      reason: `Helm release ${latest.namespace}/${latest.name} (revision ${latest.version}) exists and was made by ${owner}, not by this HelmRelease; uninstall it, or set spec.releaseName to another name`,
    };
  }
  if (pendingStatuses.has(latest.info.status))
    return { action: 'unlock', release: latest, reason: `release is ${latest.info.status}` };
  if (latest.info.status === 'uninstalled')
    return { action: 'install', reason: 'release was uninstalled', replace: true };
  if (latest.info.status !== 'deployed') return { action: 'upgrade', reason: `release is ${latest.info.status}` };
  const changes: string[] = [];
  if (latest.chart.metadata.name !== desired.chartName || latest.chart.metadata.version !== desired.chartVersion) {
    changes.push(
      `chart ${latest.chart.metadata.name}@${latest.chart.metadata.version} -> ${desired.chartName}@${desired.chartVersion}`,
    );
  }
  if (sha256Of(latest.config ?? {}) !== desired.configDigest) changes.push('values changed');
  const status = hr.status ?? {};
  if ((status.observedPostRenderersDigest ?? emptyDigest) !== desired.postRenderersDigest)
    changes.push('postRenderers changed');
  if ((status.observedCommonMetadataDigest ?? emptyDigest) !== desired.commonMetadataDigest)
    changes.push('commonMetadata changed');
  const current = status.history?.[0];
  if (current && current.version !== latest.version)
    changes.push(`revision ${latest.version} was not made by this controller (a helm command by hand?)`);
  if (changes.length > 0) return { action: 'upgrade', reason: changes.join(', ') };
  return { action: 'none', reason: 'release is in sync' };
}

export const emptyDigest = sha256Of(null);

export interface FailureOutcome {
  /** What to run now to remediate, if anything. */
  remediation: 'uninstall' | 'rollback' | undefined;
  /** Retries are left: reconcile again soon. */
  retry: boolean;
  /** Retries are exhausted: Stalled until the spec, chart or values change. */
  stalled: boolean;
}

/** What a failed install or upgrade leads to, after its failure counter was incremented to `failures`. */
export function onFailure(hr: HelmRelease, action: 'install' | 'upgrade', failures: number): FailureOutcome {
  const config = action === 'install' ? hr.spec?.install : hr.spec?.upgrade;
  const retries = config?.remediation?.retries ?? 0;
  const strategy = config?.strategy?.name ?? 'RemediateOnFailure';
  const retriesLeft = retries < 0 || failures <= retries;
  if (strategy === 'RetryOnFailure') return { remediation: undefined, retry: retriesLeft, stalled: !retriesLeft };
  const remediateLast = config?.remediation?.remediateLastFailure ?? retries > 0;
  const remediate = retriesLeft || remediateLast;
  const kind = action === 'install' ? 'uninstall' : (hr.spec?.upgrade?.remediation?.strategy ?? 'rollback');
  return { remediation: remediate ? kind : undefined, retry: retriesLeft, stalled: !retriesLeft };
}

/** Retries wait `retryInterval` under RetryOnFailure; otherwise a short pause after the remediation. */
export function retryDelayMs(hr: HelmRelease, action: 'install' | 'upgrade', parse: (text: string) => number): number {
  const config = action === 'install' ? hr.spec?.install : hr.spec?.upgrade;
  const interval = config?.strategy?.retryInterval;
  return interval ? parse(interval) : 1_000;
}

/** A Flux history snapshot of a stored revision. */
export function snapshotOf(release: StoredRelease, previous?: ReleaseSnapshot): ReleaseSnapshot {
  const snapshot: ReleaseSnapshot = {
    name: release.name,
    namespace: release.namespace,
    version: release.version,
    status: release.info.status,
    chartName: release.chart.metadata.name,
    chartVersion: release.chart.metadata.version,
    configDigest: sha256Of(release.config ?? {}),
    digest: sha256Of({
      name: release.name,
      namespace: release.namespace,
      version: release.version,
      chart: release.chart.metadata,
      config: release.config ?? {},
      manifest: release.manifest ?? '',
    }),
    firstDeployed: toTime(release.info.first_deployed),
    lastDeployed: toTime(release.info.last_deployed),
    apiVersion: 'v2',
  };
  if (release.chart.metadata.appVersion) snapshot.appVersion = release.chart.metadata.appVersion;
  if (release.info.deleted) snapshot.deleted = toTime(release.info.deleted);
  const testHooks = Object.fromEntries(
    (release.hooks ?? [])
      .filter((hook) => hook.events?.includes('test'))
      .map((hook) => {
        const run = hook.last_run ?? {};
        const entry: { lastStarted?: string; lastCompleted?: string; phase?: string } = {};
        if (run.started_at && !run.started_at.startsWith('0001')) entry.lastStarted = toTime(run.started_at);
        if (run.completed_at && !run.completed_at.startsWith('0001')) entry.lastCompleted = toTime(run.completed_at);
        if (run.phase) entry.phase = run.phase;
        return [hook.name, entry];
      }),
  );
  if (Object.keys(testHooks).length > 0) snapshot.testHooks = testHooks;
  else if (previous?.version === release.version && previous.testHooks) snapshot.testHooks = previous.testHooks;
  return snapshot;
}

/** Helm's nanosecond RFC 3339 times, cut to seconds as Kubernetes date-times are. */
function toTime(text: string | undefined): string {
  if (!text) return new Date(0).toISOString().replace(/\.\d+Z$/, 'Z');
  const date = new Date(text);
  return Number.isNaN(date.getTime())
    ? new Date(0).toISOString().replace(/\.\d+Z$/, 'Z')
    : date.toISOString().replace(/\.\d+Z$/, 'Z');
}
