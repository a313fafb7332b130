// postBuild.substituteStrategy decides whether substitution runs at all.
import type { Kustomization } from '@fluxion/api';
import { describe, expect, it } from 'vitest';
import { substitutionWanted } from './substitution-vars.ts';

const withPostBuild = (postBuild: NonNullable<Kustomization['spec']>['postBuild']): Kustomization => ({
  apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
  kind: 'Kustomization',
  metadata: { name: 'a', namespace: 'b' },
  spec: {
    interval: '1m',
    prune: true,
    sourceRef: { kind: 'GitRepository', name: 'r' },
    ...(postBuild ? { postBuild } : {}),
  },
});

describe('substituteStrategy', () => {
  it('WithVariables (the default) substitutes only when variables are given', () => {
    expect(substitutionWanted(withPostBuild(undefined))).toBe(false);
    expect(substitutionWanted(withPostBuild({}))).toBe(false);
    expect(substitutionWanted(withPostBuild({ substituteStrategy: 'WithVariables', substitute: {} }))).toBe(false);
    expect(substitutionWanted(withPostBuild({ substitute: { a: '1' } }))).toBe(true);
    expect(substitutionWanted(withPostBuild({ substituteFrom: [{ kind: 'ConfigMap', name: 'vars' }] }))).toBe(true);
  });

  it('Always substitutes without any variable, so defaults expand', () => {
    expect(substitutionWanted(withPostBuild({ substituteStrategy: 'Always' }))).toBe(true);
  });
});
