import { describe, expect, it } from 'vitest';
import { diffObjects } from './object-diff.ts';

const secret = (token: string, resourceVersion: string) => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 's', namespace: 'apps', resourceVersion, managedFields: [{ manager: 'x' }] },
  data: { token: Buffer.from(token).toString('base64'), same: 'c2FtZQ==' },
});

describe('diffObjects', () => {
  it('ignores what the server manages and shows nothing for equal objects', () => {
    expect(diffObjects(secret('a', '1'), secret('a', '2'), 'Secret/apps/s')).toBe('');
  });

  it('masks Secret values, marking the ones that changed, and never prints them', () => {
    const diff = diffObjects(secret('old-password', '1'), secret('new-password', '1'), 'Secret/apps/s');
    expect(diff).toContain('-  token: "*** (before)"\n+  token: "*** (after)"');
    expect(diff).toContain('   same: "***"');
    expect(diff).not.toContain(Buffer.from('old-password').toString('base64'));
    expect(diff).not.toContain(Buffer.from('new-password').toString('base64'));
  });
});
