import type { Kustomization } from '@fluxion/api';
import { describe, expect, it } from 'vitest';
import { artifactChanged, becameReady, needsReconcile } from './triggers.ts';

const ks = (
  generation: number,
  extra: { requestedAt?: string; ready?: boolean; applied?: string } = {},
): Kustomization => ({
  apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
  kind: 'Kustomization',
  metadata: {
    name: 'a',
    generation,
    ...(extra.requestedAt ? { annotations: { 'reconcile.fluxcd.io/requestedAt': extra.requestedAt } } : {}),
  },
  status: {
    observedGeneration: generation,
    ...(extra.applied ? { lastAppliedRevision: extra.applied } : {}),
    conditions: extra.ready
      ? [{ type: 'Ready', status: 'True', reason: 'r', message: '', lastTransitionTime: '' }]
      : [],
  },
});

describe('triggers', () => {
  it('reconciles on spec changes and reconcile requests, not on status writes', () => {
    expect(needsReconcile(ks(1), ks(2))).toBe(true);
    expect(needsReconcile(ks(1), ks(1, { requestedAt: 'now' }))).toBe(true);
    expect(needsReconcile(ks(1), ks(1, { ready: true }))).toBe(false);
  });

  it('wakes dependents when a Kustomization becomes Ready or applies a new revision', () => {
    expect(becameReady(ks(1), ks(1, { ready: true, applied: 'r1' }))).toBe(true);
    expect(becameReady(ks(1, { ready: true, applied: 'r1' }), ks(1, { ready: true, applied: 'r1' }))).toBe(false);
    expect(becameReady(ks(1, { ready: true, applied: 'r1' }), ks(1, { ready: true, applied: 'r2' }))).toBe(true);
  });

  it('sees a new artifact revision or digest', () => {
    const source = (revision?: string) => ({
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'GitRepository',
      ...(revision
        ? { status: { artifact: { path: '', url: 'u', revision, digest: 'sha256:0', lastUpdateTime: '' } } }
        : {}),
    });
    expect(artifactChanged(source(), source('r1'))).toBe(true);
    expect(artifactChanged(source('r1'), source('r1'))).toBe(false);
    expect(artifactChanged(source('r1'), source('r2'))).toBe(true);
    expect(artifactChanged(source('r1'), source())).toBe(false);
  });
});
