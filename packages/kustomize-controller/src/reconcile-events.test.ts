import { ChangeSet, changeSetEntry } from '@fluxion/runtime';
import { describe, expect, it } from 'vitest';
import { succeededEventMessage } from './reconcile-events.ts';

const web = { group: 'apps', version: 'v1', kind: 'Deployment', namespace: 'apps', name: 'web' };
const changed = () => new ChangeSet().add(changeSetEntry(web, 'configured'));
const unchanged = () => new ChangeSet().add(changeSetEntry(web, 'unchanged'));
const base = { revision: 'main@sha1:abc', revisionChanged: false, recovered: false, healthRecovered: undefined };

describe('succeededEventMessage', () => {
  it('is silent when nothing changed, even for a new revision that changes no object', () => {
    expect(succeededEventMessage({ ...base, changeSet: unchanged() })).toBeUndefined();
    expect(succeededEventMessage({ ...base, changeSet: unchanged(), revisionChanged: true })).toBeUndefined();
  });

  it('names the change set, and the revision when it is new', () => {
    expect(succeededEventMessage({ ...base, changeSet: changed() })).toBe('Deployment/apps/web configured');
    expect(succeededEventMessage({ ...base, changeSet: changed(), revisionChanged: true })).toBe(
      'Deployment/apps/web configured\nApplied revision: main@sha1:abc',
    );
  });

  it('reports a recovery from a failure or a failed health check without changes', () => {
    expect(succeededEventMessage({ ...base, changeSet: unchanged(), recovered: true })).toBe(
      'Applied revision: main@sha1:abc',
    );
    expect(
      succeededEventMessage({ ...base, changeSet: unchanged(), healthRecovered: 'Health check passed in 1.2s' }),
    ).toBe('Health check passed in 1.2s\nApplied revision: main@sha1:abc');
  });
});
