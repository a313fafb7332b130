import { describe, expect, it } from 'vitest';
import { hasDrifted } from './drift.ts';

describe('drift', () => {
  const live = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'c', namespace: 'n', resourceVersion: '1', managedFields: [{ manager: 'a' }] },
    data: { key: 'value' },
  };

  it('ignores resourceVersion, generation and managedFields', () => {
    const dryRun = { ...live, metadata: { ...live.metadata, resourceVersion: '2', generation: 3, managedFields: [] } };
    expect(hasDrifted(live, dryRun, { ignoreStatus: true })).toBe(false);
  });

  it('sees a changed value', () => {
    const changed = { ...live, data: { key: 'other' } };
    expect(hasDrifted(live, changed, { ignoreStatus: true })).toBe(true);
  });

  it('ignores status only when told to', () => {
    const withStatus = { ...live, status: { phase: 'x' } };
    expect(hasDrifted(live, withStatus, { ignoreStatus: true })).toBe(false);
    expect(hasDrifted(live, withStatus, { ignoreStatus: false })).toBe(true);
  });
});
