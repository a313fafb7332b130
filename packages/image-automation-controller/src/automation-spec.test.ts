import type { GitRepository, ImagePolicy, ImageUpdateAutomation } from '@fluxion/api';
import { describe, expect, it } from 'vitest';
import { AutomationSpecError, planAutomation } from './automation-spec.ts';
import { labelMatcher, PolicySelectorError, selectPolicies } from './policy-selection.ts';

const source = (ref?: NonNullable<GitRepository['spec']>['ref']): GitRepository => ({
  apiVersion: 'source.toolkit.fluxcd.io/v1',
  kind: 'GitRepository',
  metadata: { name: 'config', namespace: 'apps' },
  spec: { url: 'https://git.example.com/config.git', interval: '1m', ...(ref ? { ref } : {}) },
});
const automation = (git: NonNullable<ImageUpdateAutomation['spec']>['git']): ImageUpdateAutomation => ({
  apiVersion: 'image.toolkit.fluxcd.io/v1',
  kind: 'ImageUpdateAutomation',
  metadata: { name: 'auto', namespace: 'apps' },
  spec: { interval: '5m', sourceRef: { kind: 'GitRepository', name: 'config' }, ...(git ? { git } : {}) },
});
const author = { email: 'bot@example.com' };

describe('planAutomation', () => {
  it('checks out the GitRepository ref and pushes to it unless the automation says otherwise', () => {
    expect(planAutomation(automation({ commit: { author } }), source({ branch: 'main' }))).toMatchObject({
      checkout: { branch: 'main' },
      pushBranch: 'main',
      author: { name: 'bot@example.com', email: 'bot@example.com' },
    });
    expect(planAutomation(automation({ commit: { author } }), source())).toMatchObject({
      checkout: { branch: 'master' },
      pushBranch: 'master',
    });
    const plan = planAutomation(
      automation({
        checkout: { ref: { branch: 'dev' } },
        commit: { author },
        push: { branch: 'auto', refspec: 'refs/heads/auto:refs/for/dev', options: { topic: 'x' } },
      }),
      source({ branch: 'main' }),
    );
    expect(plan).toMatchObject({
      checkout: { branch: 'dev' },
      pushBranch: 'auto',
      pushRefspec: 'refs/heads/auto:refs/for/dev',
      pushOptions: { topic: 'x' },
    });
  });

  it('refuses what cannot work: no author, no branch to push to, force or delete refspecs', () => {
    expect(() => planAutomation(automation(undefined), source())).toThrow(/spec.git.commit.author.email is required/);
    expect(() => planAutomation(automation({ commit: { author } }), source({ tag: 'v1.0.0' }))).toThrow(
      /no branch to push to/,
    );
    expect(() =>
      planAutomation(
        automation({ commit: { author }, push: { refspec: '+refs/heads/main:refs/heads/main' } }),
        source(),
      ),
    ).toThrow(/force pushes are not made/);
    expect(() =>
      planAutomation(automation({ commit: { author }, push: { refspec: ':refs/heads/old' } }), source()),
    ).toThrow(AutomationSpecError);
    expect(
      planAutomation(automation({ commit: { author }, push: { branch: 'auto' } }), source({ tag: 'v1.0.0' })),
    ).toMatchObject({ checkout: { tag: 'v1.0.0' }, pushBranch: 'auto' });
    const github = { ...source(), spec: { ...source().spec!, provider: 'github' as const } };
    expect(() => planAutomation(automation({ commit: { author } }), github)).toThrow(
      /spec.provider 'github': cloud identities are not supported yet/,
    );
  });
});

describe('policySelector', () => {
  const policy = (name: string, labels: Record<string, string>, tag?: string, namespace = 'apps'): ImagePolicy => ({
    apiVersion: 'image.toolkit.fluxcd.io/v1',
    kind: 'ImagePolicy',
    metadata: { name, namespace, labels },
    spec: { imageRepositoryRef: { name }, policy: { semver: { range: '>=0.0.0' } } },
    ...(tag ? { status: { latestRef: { name: `reg/${name}`, tag } } } : {}),
  });
  const policies = [
    policy('web', { tier: 'front' }, '1.0.0'),
    policy('db', { tier: 'back' }, '2.0.0'),
    policy('new', { tier: 'front' }),
    policy('other-ns', {}, '1.0.0', 'elsewhere'),
  ];

  it('selects by matchLabels and matchExpressions, in the automation namespace only', () => {
    const front = selectPolicies(policies, 'apps', labelMatcher({ matchLabels: { tier: 'front' } }));
    expect([...front.images.entries()]).toEqual([
      ['apps:new', undefined],
      ['apps:web', { name: 'reg/web', tag: '1.0.0' }],
    ]);
    expect(front.observed).toEqual({ web: { name: 'reg/web', tag: '1.0.0' } });
    const notFront = selectPolicies(
      policies,
      'apps',
      labelMatcher({ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['front'] }] }),
    );
    expect([...notFront.images.keys()]).toEqual(['apps:db']);
    expect([...selectPolicies(policies, 'apps', labelMatcher(undefined)).images.keys()]).toEqual([
      'apps:db',
      'apps:new',
      'apps:web',
    ]);
    expect([
      ...selectPolicies(
        policies,
        'apps',
        labelMatcher({ matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] }),
      ).images.keys(),
    ]).toEqual([]);
  });

  it('names a selector that is not valid', () => {
    expect(() => labelMatcher({ matchExpressions: [{ key: 'tier', operator: 'Near', values: ['x'] }] })).toThrow(
      PolicySelectorError,
    );
    expect(() => labelMatcher({ matchExpressions: [{ key: 'tier', operator: 'In' }] })).toThrow(
      /matchExpressions\[0\]: operator In needs values/,
    );
    expect(() => labelMatcher({ matchLabels: { [`${'x'.repeat(64)}`]: 'y' } })).toThrow(/is not a valid label key/);
  });
});
