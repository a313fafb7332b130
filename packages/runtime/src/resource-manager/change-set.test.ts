import { describe, expect, it } from 'vitest';
import { ChangeSet, changeSetEntry } from './change-set.ts';

describe('ChangeSet', () => {
  it('prints `Kind/namespace/name action` lines, leaving out unchanged unless asked', () => {
    const changeSet = new ChangeSet().add(
      changeSetEntry({ group: '', version: 'v1', kind: 'Namespace', namespace: '', name: 'apps' }, 'created'),
      changeSetEntry(
        { group: 'apps', version: 'v1', kind: 'Deployment', namespace: 'apps', name: 'web' },
        'configured',
      ),
      changeSetEntry({ group: '', version: 'v1', kind: 'ConfigMap', namespace: 'apps', name: 'c' }, 'unchanged'),
    );
    expect(changeSet.toString()).toBe('Namespace/apps created\nDeployment/apps/web configured');
    expect(changeSet.toString({ includeUnchanged: true }).split('\n')).toHaveLength(3);
    expect(changeSet.toMap()['ConfigMap/apps/c']).toBe('unchanged');
  });
});
