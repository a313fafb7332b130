import { describe, expect, it } from 'vitest';
import type { HelmRelease } from '@fluxion/api';
import { sha256Of } from './digests.ts';
import { decide, emptyDigest, onFailure, snapshotOf, type DesiredRelease } from './release-decision.ts';
import type { StoredRelease } from './release-storage.ts';

const hr = (spec: Partial<NonNullable<HelmRelease['spec']>> = {}, status: HelmRelease['status'] = {}): HelmRelease => ({
  apiVersion: 'helm.toolkit.fluxcd.io/v2',
  kind: 'HelmRelease',
  metadata: { name: 'web', namespace: 'apps' },
  spec: { interval: '1m', ...spec },
  status,
});
const ours = { 'helm.toolkit.fluxcd.io/name': 'web', 'helm.toolkit.fluxcd.io/namespace': 'apps' };
const stored = (version: number, status = 'deployed', overrides: Partial<StoredRelease> = {}): StoredRelease => ({
  name: 'web',
  namespace: 'apps',
  version,
  info: { status, first_deployed: '2026-01-01T00:00:00.123456Z', last_deployed: '2026-01-02T00:00:00Z' },
  chart: { metadata: { name: 'web', version: '1.0.0', appVersion: '1.0' } },
  config: { a: 1 },
  manifest: '',
  labels: ours,
  ...overrides,
});
const desired: DesiredRelease = {
  chartName: 'web',
  chartVersion: '1.0.0',
  configDigest: sha256Of({ a: 1 }),
  postRenderersDigest: emptyDigest,
  commonMetadataDigest: emptyDigest,
};

describe('decide', () => {
  it('installs when there is no release, and does nothing when the deployed one matches', () => {
    expect(decide(hr(), desired, []).action).toBe('install');
    const history = [snapshotOf(stored(1))];
    expect(decide(hr({}, { history }), desired, [stored(1)])).toEqual({ action: 'none', reason: 'release is in sync' });
  });

  it('upgrades on a new chart version, new values, or a revision made by hand', () => {
    const history = [snapshotOf(stored(1))];
    expect(decide(hr({}, { history }), { ...desired, chartVersion: '1.1.0' }, [stored(1)])).toMatchObject({
      action: 'upgrade',
      reason: 'chart web@1.0.0 -> web@1.1.0',
    });
    expect(decide(hr({}, { history }), { ...desired, configDigest: sha256Of({ a: 2 }) }, [stored(1)])).toMatchObject({
      action: 'upgrade',
      reason: 'values changed',
    });
    expect(decide(hr({}, { history }), desired, [stored(1, 'superseded'), stored(2)]).reason).toContain(
      'revision 2 was not made by this controller',
    );
  });

  it("unlocks a pending release and refuses another tool's", () => {
    expect(decide(hr(), desired, [stored(1, 'pending-install')]).action).toBe('unlock');
    const foreign = decide(hr(), desired, [stored(1, 'deployed', { labels: { owner: 'helm' } })]);
    expect(foreign).toMatchObject({ action: 'refuse' });
    expect(foreign.reason).toContain('was made by another tool');
  });
});

describe('onFailure', () => {
  it('by default: no retry, no remediation, stalled', () => {
    expect(onFailure(hr(), 'install', 1)).toEqual({ remediation: undefined, retry: false, stalled: true });
  });

  it('remediates while retries remain and, with retries, after the last one too', () => {
    const spec = { upgrade: { remediation: { retries: 2 } } };
    expect(onFailure(hr(spec), 'upgrade', 1)).toEqual({ remediation: 'rollback', retry: true, stalled: false });
    expect(onFailure(hr(spec), 'upgrade', 3)).toEqual({ remediation: 'rollback', retry: false, stalled: true });
    expect(onFailure(hr({ install: { remediation: { retries: 1 } } }), 'install', 1).remediation).toBe('uninstall');
    expect(
      onFailure(hr({ upgrade: { remediation: { retries: 1, strategy: 'uninstall' } } }), 'upgrade', 1).remediation,
    ).toBe('uninstall');
  });

  it('RetryOnFailure retries without remediation; negative retries never stall', () => {
    expect(
      onFailure(hr({ upgrade: { strategy: { name: 'RetryOnFailure' }, remediation: { retries: 1 } } }), 'upgrade', 1),
    ).toEqual({ remediation: undefined, retry: true, stalled: false });
    expect(onFailure(hr({ install: { remediation: { retries: -1 } } }), 'install', 100).stalled).toBe(false);
  });
});

describe('snapshotOf', () => {
  it("is Flux's history entry, with times cut to seconds and test hooks", () => {
    const snapshot = snapshotOf(
      stored(3, 'deployed', {
        hooks: [
          {
            name: 'web-test',
            events: ['test'],
            last_run: {
              started_at: '2026-01-02T00:00:01.5Z',
              completed_at: '2026-01-02T00:00:02Z',
              phase: 'Succeeded',
            },
          },
        ],
      }),
    );
    expect(snapshot).toMatchObject({
      name: 'web',
      namespace: 'apps',
      version: 3,
      status: 'deployed',
      chartName: 'web',
      chartVersion: '1.0.0',
      appVersion: '1.0',
      firstDeployed: '2026-01-01T00:00:00Z',
      configDigest: sha256Of({ a: 1 }),
    });
    expect(snapshot.testHooks).toEqual({
      'web-test': { lastStarted: '2026-01-02T00:00:01Z', lastCompleted: '2026-01-02T00:00:02Z', phase: 'Succeeded' },
    });
  });
});
