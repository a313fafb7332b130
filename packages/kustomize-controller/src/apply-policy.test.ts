import { describe, expect, it } from 'vitest';
import { isForceEnabled, isPruneDisabled, ssaPolicyOf } from './apply-policy.ts';
import { stampMetadata } from './common-metadata.ts';
import { diffInventory, inventoryFromObjects, inventoryRefs } from './inventory.ts';
import { recordHistory } from './kustomization-status.ts';

const object = (annotations: Record<string, string> = {}, name = 'x') => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: 'apps', annotations },
});

describe('apply policy annotations', () => {
  it("reads Flux's ssa, force, prune and reconcile annotations", () => {
    expect(ssaPolicyOf(object())).toBe('Override');
    expect(ssaPolicyOf(object({ 'kustomize.toolkit.fluxcd.io/ssa': 'IfNotPresent' }))).toBe('IfNotPresent');
    expect(ssaPolicyOf(object({ 'kustomize.toolkit.fluxcd.io/ssa': 'merge' }))).toBe('Merge');
    expect(ssaPolicyOf(object({ 'kustomize.toolkit.fluxcd.io/reconcile': 'disabled' }))).toBe('Ignore');
    expect(isForceEnabled(object({ 'kustomize.toolkit.fluxcd.io/force': 'Enabled' }))).toBe(true);
    expect(isPruneDisabled(object({ 'kustomize.toolkit.fluxcd.io/prune': 'disabled' }))).toBe(true);
  });

  it('prune: disabled in any letter case, as an annotation or a label, as Flux matches it', () => {
    expect(isPruneDisabled(object({ 'kustomize.toolkit.fluxcd.io/prune': 'Disabled' }))).toBe(true);
    expect(isPruneDisabled(object({ 'kustomize.toolkit.fluxcd.io/prune': 'DISABLED' }))).toBe(true);
    expect(
      isPruneDisabled({
        ...object(),
        metadata: { name: 'x', labels: { 'kustomize.toolkit.fluxcd.io/prune': 'disabled' } },
      }),
    ).toBe(true);
    expect(isPruneDisabled(object({ 'kustomize.toolkit.fluxcd.io/prune': 'enabled' }))).toBe(false);
    expect(isPruneDisabled(object())).toBe(false);
  });
});

describe('stampMetadata', () => {
  it('adds commonMetadata and the ownership labels, which win', () => {
    const [stamped] = stampMetadata(
      [{ ...object(), metadata: { name: 'x', labels: { team: 'a', 'kustomize.toolkit.fluxcd.io/name': 'forged' } } }],
      { name: 'apps', namespace: 'flux' },
      { labels: { env: 'prod' }, annotations: { owner: 'me' } },
    );
    expect(stamped?.metadata).toEqual({
      name: 'x',
      labels: {
        team: 'a',
        env: 'prod',
        'kustomize.toolkit.fluxcd.io/name': 'apps',
        'kustomize.toolkit.fluxcd.io/namespace': 'flux',
      },
      annotations: { owner: 'me' },
    });
  });
});

describe('inventory', () => {
  it('writes Flux ids and diffs two inventories', () => {
    const before = inventoryFromObjects([
      object({}, 'a'),
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apps' } },
    ]);
    expect(before.entries).toEqual([
      { id: '_apps__Namespace', v: 'v1' },
      { id: 'apps_a_apps_Deployment', v: 'v1' },
    ]);
    const after = inventoryFromObjects([
      object({}, 'b'),
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apps' } },
    ]);
    expect(diffInventory(before, after)).toEqual({
      removed: [{ id: 'apps_a_apps_Deployment', v: 'v1' }],
      added: [{ id: 'apps_b_apps_Deployment', v: 'v1' }],
    });
    expect(inventoryRefs(after)).toEqual([
      { apiVersion: 'v1', kind: 'Namespace', name: 'apps', namespace: undefined },
      { apiVersion: 'apps/v1', kind: 'Deployment', name: 'b', namespace: 'apps' },
    ]);
  });
});

describe('recordHistory', () => {
  it('adds an entry for a new digest or outcome and keeps an unchanged one as it is', () => {
    const at = new Date('2025-01-01T00:00:00Z');
    const first = recordHistory(undefined, {
      digest: 'd1',
      revision: 'r1',
      status: 'ReconciliationSucceeded',
      startedAt: at,
      finishedAt: new Date(at.getTime() + 1500),
    });
    expect(first).toEqual([
      {
        digest: 'd1',
        firstReconciled: '2025-01-01T00:00:00Z',
        lastReconciled: '2025-01-01T00:00:01Z',
        lastReconciledDuration: '1.5s',
        lastReconciledStatus: 'ReconciliationSucceeded',
        totalReconciliations: 1,
        metadata: { revision: 'r1' },
      },
    ]);
    expect(
      recordHistory(first, {
        digest: 'd1',
        revision: 'r1',
        status: 'ReconciliationSucceeded',
        startedAt: at,
        finishedAt: at,
      }),
    ).toEqual(first);
    expect(
      recordHistory(first, { digest: 'd2', revision: 'r2', status: 'BuildFailed', startedAt: at, finishedAt: at })?.map(
        (entry) => entry.digest,
      ),
    ).toEqual(['d2', 'd1']);
  });
});
