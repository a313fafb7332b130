import { describe, expect, it } from 'vitest';
import type { HelmRelease } from '@fluxion/api';
import { installArgs, releaseNameOf, rollbackArgs, testArgs, uninstallArgs, upgradeArgs } from './helm-args.ts';

const files = { chartDir: '/c', valuesFile: '/v.yaml', postRenderSpecFile: '/p.json' };
const hr = (spec: Partial<NonNullable<HelmRelease['spec']>> = {}): HelmRelease => ({
  apiVersion: 'helm.toolkit.fluxcd.io/v2',
  kind: 'HelmRelease',
  metadata: { name: 'web', namespace: 'apps' },
  spec: { interval: '5m', ...spec },
});

describe('helm command lines', () => {
  it('names the release [targetNamespace-]name, shortened past 53 characters', () => {
    expect(releaseNameOf(hr())).toBe('web');
    expect(releaseNameOf(hr({ targetNamespace: 'prod' }))).toBe('prod-web');
    expect(releaseNameOf(hr({ releaseName: 'custom' }))).toBe('custom');
    const long = releaseNameOf(hr({ targetNamespace: 'x'.repeat(60) }));
    expect(long).toHaveLength(53);
    expect(long).toMatch(/^x{40}-[0-9a-f]{12}$/);
  });

  it('passes a storage namespace apart from the release namespace, and only then', () => {
    const apart = hr({ targetNamespace: 'prod', storageNamespace: 'apps' });
    for (const args of [installArgs(apart, files), upgradeArgs(apart, files), uninstallArgs(apart), testArgs(apart)])
      expect(args.join(' ')).toContain('--namespace prod --timeout 5m0s --storage-namespace apps');
    expect(rollbackArgs(apart, 1).join(' ')).toContain('--storage-namespace apps');
    expect(installArgs(hr({ storageNamespace: 'apps' }), files)).not.toContain('--storage-namespace');
    expect(installArgs(hr({ install: { serverSideApply: false } }), files)).toContain('--server-side=false');
  });

  it('takes ownership of existing objects unless disableTakeOwnership, as Flux', () => {
    expect(installArgs(hr(), files)).toContain('--take-ownership');
    expect(upgradeArgs(hr(), files)).toContain('--take-ownership');
    expect(installArgs(hr({ install: { disableTakeOwnership: true } }), files)).not.toContain('--take-ownership');
    expect(upgradeArgs(hr({ upgrade: { disableTakeOwnership: true } }), files)).not.toContain('--take-ownership');
  });

  it('forces conflicts only where Helm applies server-side', () => {
    expect(installArgs(hr(), files)).toContain('--force-conflicts');
    expect(installArgs(hr({ install: { serverSideApply: false } }), files)).not.toContain('--force-conflicts');
    expect(upgradeArgs(hr(), files, 'ssa')).toContain('--force-conflicts');
    expect(upgradeArgs(hr(), files, 'csa')).not.toContain('--force-conflicts');
    expect(upgradeArgs(hr(), files, undefined)).not.toContain('--force-conflicts');
    expect(upgradeArgs(hr({ upgrade: { serverSideApply: false } }), files, 'ssa')).not.toContain('--force-conflicts');
    expect(rollbackArgs(hr(), 1, 'ssa')).toContain('--force-conflicts');
    expect(rollbackArgs(hr(), 1, 'csa')).not.toContain('--force-conflicts');
  });

  it('installs into the target namespace with our labels, the post-renderer and the install options', () => {
    const args = installArgs(
      hr({
        targetNamespace: 'prod',
        timeout: '2m',
        install: { createNamespace: true, crds: 'Skip', disableHooks: true, replace: true },
      }),
      files,
    );
    expect(args.slice(0, 3)).toEqual(['install', 'prod-web', '/c']);
    expect(args).toEqual(
      expect.arrayContaining([
        '--namespace',
        'prod',
        '--timeout',
        '2m0s',
        '--values',
        '/v.yaml',
        '--post-renderer',
        'fluxion-post-renderer',
        '--post-renderer-args',
        '/p.json',
      ]),
    );
    expect(args[args.indexOf('--labels') + 1]).toBe(
      'helm.toolkit.fluxcd.io/name=web,helm.toolkit.fluxcd.io/namespace=apps',
    );
    expect(args).toEqual(expect.arrayContaining(['--create-namespace', '--skip-crds', '--no-hooks', '--replace']));
    expect(installArgs(hr(), files)).not.toContain('--skip-crds');
  });

  it('upgrades with max history, reset or preserved values, force and cleanup', () => {
    const args = upgradeArgs(
      hr({ maxHistory: 3, upgrade: { force: true, cleanupOnFail: true, timeout: '30s' } }),
      files,
    );
    expect(args).toEqual(
      expect.arrayContaining([
        '--history-max',
        '3',
        '--reset-values',
        '--force-replace',
        '--cleanup-on-fail',
        '--timeout',
        '30s',
      ]),
    );
    expect(upgradeArgs(hr({ upgrade: { preserveValues: true } }), files)).toContain('--reset-then-reuse-values');
    expect(upgradeArgs(hr(), files)).toEqual(expect.arrayContaining(['--history-max', '5']));
  });

  it('rolls back, uninstalls and tests as the spec says', () => {
    expect(rollbackArgs(hr({ rollback: { force: true, disableHooks: true } }), 2).slice(0, 3)).toEqual([
      'rollback',
      'web',
      '2',
    ]);
    expect(
      uninstallArgs(hr({ uninstall: { keepHistory: true, deletionPropagation: 'orphan', disableWait: true } })),
    ).toEqual(expect.arrayContaining(['--keep-history', '--cascade', 'orphan']));
    expect(uninstallArgs(hr())).toContain('--wait');
    expect(
      testArgs(hr({ test: { enable: true, filters: [{ name: 'smoke' }, { name: 'slow', exclude: true }] } })),
    ).toEqual(expect.arrayContaining(['--filter', 'name=smoke', '--filter', '!name=slow']));
  });
});
