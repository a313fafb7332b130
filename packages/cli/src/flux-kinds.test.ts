import { describe, expect, it } from 'vitest';
import { UsageError } from './cli-error.ts';
import { revisionOf, selectKinds } from './flux-kinds.ts';
import { nearestNames } from './nearest.ts';

describe('selectKinds', () => {
  it('reads the words people type for a kind, longest phrase first, and leaves the names', () => {
    expect(selectKinds(['source', 'git', 'podinfo'], false)).toMatchObject({
      kinds: [{ kind: 'GitRepository' }],
      rest: ['podinfo'],
      many: false,
    });
    expect(selectKinds(['ks', 'a', 'b'], false)).toMatchObject({
      kinds: [{ kind: 'Kustomization' }],
      rest: ['a', 'b'],
    });
    expect(selectKinds(['HelmReleases'], false).kinds[0]?.kind).toBe('HelmRelease');
    expect(selectKinds(['image', 'policy'], false).kinds[0]?.kind).toBe('ImagePolicy');
    expect(selectKinds(['source', 'external'], false).kinds[0]?.kind).toBe('ExternalArtifact');
  });

  it('admits all, sources all and images all only where several kinds make sense', () => {
    expect(selectKinds(['all'], true).kinds).toHaveLength(14);
    expect(selectKinds(['sources', 'all'], true).kinds.map((kind) => kind.kind)).toEqual([
      'GitRepository',
      'OCIRepository',
      'HelmRepository',
      'HelmChart',
      'Bucket',
      'ExternalArtifact',
    ]);
    expect(selectKinds(['images', 'all'], true).kinds.map((kind) => kind.kind)).toEqual([
      'ImageRepository',
      'ImagePolicy',
      'ImageUpdateAutomation',
    ]);
    expect(() => selectKinds(['all'], false)).toThrow(UsageError);
  });

  it('suggests the nearest kind for a typo', () => {
    expect(() => selectKinds(['kustomizatoin'], true)).toThrow(
      /unknown kind "kustomizatoin"; did you mean "kustomization"/,
    );
    expect(() => selectKinds(['source', 'gti'], true)).toThrow(/did you mean "source git"/);
  });
});

describe('revisionOf', () => {
  it('is what was applied for a Kustomization and the artifact for a source', () => {
    expect(
      revisionOf({
        kind: 'Kustomization',
        status: { lastAppliedRevision: 'main@sha1:a', lastAttemptedRevision: 'main@sha1:b' },
      }),
    ).toBe('main@sha1:a');
    expect(revisionOf({ kind: 'GitRepository', status: { artifact: { revision: 'v1@sha1:c' } } })).toBe('v1@sha1:c');
    expect(revisionOf({ kind: 'HelmRelease', status: { history: [{ chartVersion: '1.2.3' }] } })).toBe('1.2.3');
    expect(revisionOf({ kind: 'ImagePolicy', status: { latestRef: { name: 'ghcr.io/app', tag: '1.0.1' } } })).toBe(
      'ghcr.io/app:1.0.1',
    );
  });
});

describe('nearestNames', () => {
  it('ranks prefixes and small edits first and drops the far ones', () => {
    expect(nearestNames('podinf', ['podinfo', 'podinfo-prod', 'infra'])).toEqual(['podinfo', 'podinfo-prod']);
    expect(nearestNames('zzz', ['podinfo'])).toEqual([]);
  });
});
