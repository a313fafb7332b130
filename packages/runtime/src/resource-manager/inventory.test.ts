import { describe, expect, it } from 'vitest';
import { formatInventoryId, inventoryOf, parseInventoryEntry, staleEntries } from './inventory.ts';

describe('inventory ids', () => {
  it('formats <namespace>_<name>_<group>_<kind> like Flux, empty parts for core group and cluster scope', () => {
    const entries = inventoryOf([
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'apps' } },
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apps' } },
    ]);
    expect(entries).toEqual([
      { id: '_apps__Namespace', v: 'v1' },
      { id: 'apps_web_apps_Deployment', v: 'v1' },
    ]);
  });

  it('round-trips RBAC names with colons and dotted groups', () => {
    const id = formatInventoryId({
      namespace: '',
      name: 'system:flux:reader',
      group: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
    });
    expect(id).toBe('_system__flux__reader_rbac.authorization.k8s.io_ClusterRole');
    expect(parseInventoryEntry({ id, v: 'v1' })).toEqual({
      namespace: '',
      name: 'system:flux:reader',
      group: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      version: 'v1',
    });
  });

  it('rejects a malformed id naming it', () => {
    expect(() => parseInventoryEntry({ id: 'nonsense', v: 'v1' })).toThrow(/"nonsense"/);
  });

  it('stale entries are those gone from the new set; a version change is not a removal', () => {
    const previous = [
      { id: 'a_x__ConfigMap', v: 'v1' },
      { id: 'a_y_apps_Deployment', v: 'v1beta1' },
    ];
    const current = [{ id: 'a_y_apps_Deployment', v: 'v1' }];
    expect(staleEntries(previous, current)).toEqual([{ id: 'a_x__ConfigMap', v: 'v1' }]);
  });
});
