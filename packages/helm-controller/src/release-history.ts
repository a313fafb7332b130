// status.history and the failure counters: what a reconcile records of the revisions it made or observed.
import type { HelmReleaseStatus } from '@fluxion/api';
import { snapshotOf, type DesiredRelease } from './release-decision.ts';
import type { StoredRelease } from './release-storage.ts';

/** Puts the revision at the head of status.history (replacing its older snapshot) and, on success, the observed digests. */
export function recordRelease(
  status: HelmReleaseStatus,
  release: StoredRelease,
  desired: DesiredRelease,
  succeeded = true,
): void {
  const history = status.history ?? [];
  const existing = history.find((snapshot) => snapshot.version === release.version && snapshot.name === release.name);
  const snapshot = snapshotOf(release, existing);
  const rest = history.filter((entry) => !(entry.version === release.version && entry.name === release.name));
  status.history = [snapshot, ...rest].sort((a, b) => b.version - a.version).slice(0, 5);
  if (succeeded) {
    status.observedPostRenderersDigest = desired.postRenderersDigest;
    status.observedCommonMetadataDigest = desired.commonMetadataDigest;
  }
}

export function resetFailures(status: HelmReleaseStatus): void {
  delete status.failures;
  delete status.installFailures;
  delete status.upgradeFailures;
}
