import type { Kustomization } from '@fluxion/api';
import { describe, expect, it } from 'vitest';
import {
  checkDependencies,
  DependencyCycleError,
  DependencyNotReadyError,
  dependentsBlockingTeardown,
} from './dependencies.ts';

const ks = (
  name: string,
  options: {
    dependsOn?: string[];
    ready?: boolean;
    applied?: string;
    generation?: number;
    observed?: number;
    deleting?: boolean;
  } = {},
): Kustomization => ({
  apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
  kind: 'Kustomization',
  metadata: {
    name,
    namespace: 'flux',
    generation: options.generation ?? 1,
    ...(options.deleting ? { deletionTimestamp: new Date() } : {}),
  },
  spec: {
    interval: '1m',
    prune: true,
    sourceRef: { kind: 'GitRepository', name: 'repo' },
    dependsOn: (options.dependsOn ?? []).map((dependency) => ({ name: dependency })),
  },
  status: {
    observedGeneration: options.observed ?? 1,
    lastAppliedRevision: options.applied ?? 'main@sha1:1',
    conditions: [
      {
        type: 'Ready',
        status: options.ready === false ? 'False' : 'True',
        reason: 'x',
        message: '',
        lastTransitionTime: '',
      },
    ],
  },
});

function check(subject: Kustomization, others: Kustomization[], revision = 'main@sha1:1'): void {
  const byName = new Map(others.map((other) => [other.metadata?.name, other]));
  checkDependencies(
    subject,
    (_namespace, name) => byName.get(name),
    () => revision,
  );
}

describe('checkDependencies', () => {
  it('passes when every dependency is Ready at its source revision', () => {
    expect(() => check(ks('apps', { dependsOn: ['infra'] }), [ks('infra')])).not.toThrow();
  });

  it('names a missing, not ready, outdated or stale-generation dependency', () => {
    const apps = ks('apps', { dependsOn: ['infra'] });
    expect(() => check(apps, [])).toThrow(
      new DependencyNotReadyError("unable to get 'flux/infra' dependency: Kustomization not found"),
    );
    expect(() => check(apps, [ks('infra', { ready: false })])).toThrow("dependency 'flux/infra' is not ready");
    expect(() => check(apps, [ks('infra', { generation: 2, observed: 1 })])).toThrow(
      "dependency 'flux/infra' is not ready",
    );
    expect(() => check(apps, [ks('infra')], 'main@sha1:2')).toThrow(
      "dependency 'flux/infra' revision is not up to date",
    );
  });

  it('detects a cycle', () => {
    expect(() => check(ks('a', { dependsOn: ['b'] }), [ks('b', { dependsOn: ['a'] })])).toThrow(
      new DependencyCycleError('circular dependency: flux/a -> flux/b -> flux/a'),
    );
  });
});

describe('dependentsBlockingTeardown', () => {
  it('returns only dependents that are being deleted too', () => {
    const all = [
      ks('infra', { deleting: true }),
      ks('apps', { dependsOn: ['infra'], deleting: true }),
      ks('web', { dependsOn: ['infra'] }),
    ];
    expect(dependentsBlockingTeardown('flux/infra', all).map((dependent) => dependent.metadata?.name)).toEqual([
      'apps',
    ]);
  });
});

describe('dependsOn[].readyExpr', () => {
  const at = (
    name: string,
    labels: Record<string, string>,
    ready: 'True' | 'False',
    dependsOn?: NonNullable<NonNullable<Kustomization['spec']>['dependsOn']>,
  ): Kustomization => ({
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    metadata: { name, namespace: 'apps', labels, generation: 1 },
    spec: {
      interval: '1m',
      prune: true,
      sourceRef: { kind: 'GitRepository', name: 'repo' },
      ...(dependsOn ? { dependsOn } : {}),
    },
    status: {
      observedGeneration: 1,
      conditions: [
        { type: 'Ready', status: ready, reason: 'x', message: '', lastTransitionTime: '2026-01-01T00:00:00Z' },
      ],
    },
  });
  const expr = "dep.metadata.labels['app/version'] == self.metadata.labels['app/version']";

  it('replaces the built-in check: a not-Ready dependency with a matching label is ready by the expression', () => {
    const backend = at('backend', { 'app/version': 'v2' }, 'False');
    const frontend = at('frontend', { 'app/version': 'v2' }, 'True', [{ name: 'backend', readyExpr: expr }]);
    expect(() =>
      checkDependencies(
        frontend,
        (_, name) => (name === 'backend' ? backend : undefined),
        () => undefined,
      ),
    ).not.toThrow();
  });

  it('with AdditiveCELDependencyCheck, the built-in check runs too', () => {
    const backend = at('backend', { 'app/version': 'v2' }, 'False');
    const frontend = at('frontend', { 'app/version': 'v2' }, 'True', [{ name: 'backend', readyExpr: expr }]);
    expect(() =>
      checkDependencies(
        frontend,
        () => backend,
        () => undefined,
        { additiveCel: true },
      ),
    ).toThrow("dependency 'apps/backend' is not ready");
  });

  it('a false expression or one that fails names the dependency and the expression', () => {
    const backend = at('backend', { 'app/version': 'v1' }, 'True');
    const frontend = at('frontend', { 'app/version': 'v2' }, 'True', [{ name: 'backend', readyExpr: expr }]);
    expect(() =>
      checkDependencies(
        frontend,
        () => backend,
        () => undefined,
      ),
    ).toThrow(`dependency 'apps/backend' is not ready according to readyExpr '${expr}'`);
    const failing = at('frontend', {}, 'True', [{ name: 'backend', readyExpr: 'dep.status.missing == 1' }]);
    expect(() =>
      checkDependencies(
        failing,
        () => backend,
        () => undefined,
      ),
    ).toThrow(DependencyNotReadyError);
  });
});
