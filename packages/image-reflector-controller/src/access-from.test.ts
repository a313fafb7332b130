import { describe, expect, it } from 'vitest';
import { accessFromAllows } from './access-from.ts';
import { latestTags, TagStore, tagListRevision } from './tag-store.ts';

describe('accessFromAllows', () => {
  const labels = { 'kubernetes.io/metadata.name': 'flux-system', team: 'platform' };

  it('needs an accessFrom, and one selector whose labels all match', () => {
    expect(accessFromAllows(undefined, labels)).toBe(false);
    expect(accessFromAllows({ namespaceSelectors: [] }, labels)).toBe(false);
    expect(
      accessFromAllows(
        { namespaceSelectors: [{ matchLabels: { team: 'apps' } }, { matchLabels: { team: 'platform' } }] },
        labels,
      ),
    ).toBe(true);
    expect(accessFromAllows({ namespaceSelectors: [{ matchLabels: { team: 'platform', tier: 'x' } }] }, labels)).toBe(
      false,
    );
  });

  it('an empty matchLabels grants every namespace, as Flux documents', () => {
    expect(accessFromAllows({ namespaceSelectors: [{ matchLabels: {} }] }, {})).toBe(true);
    expect(accessFromAllows({ namespaceSelectors: [{}] }, {})).toBe(true);
  });
});

describe('TagStore', () => {
  it('tells listeners when a repository first gets tags or its tags change, not on an equal rescan', () => {
    const store = new TagStore();
    const heard: string[] = [];
    store.onChange((key) => heard.push(key));
    store.set('apps/web', ['1.0.0', '1.1.0'], 1);
    store.set('apps/web', ['1.1.0', '1.0.0'], 2);
    expect(heard).toEqual(['apps/web']);
    expect(store.get('apps/web')?.scannedAt).toBe(2);
    store.set('apps/web', ['1.2.0'], 3);
    store.delete('apps/web');
    expect(heard).toEqual(['apps/web', 'apps/web', 'apps/web']);
  });

  it('revisions do not depend on order; latestTags is the first ten in descending order', () => {
    expect(tagListRevision(['b', 'a'])).toBe(tagListRevision(['a', 'b']));
    expect(tagListRevision(['a'])).toMatch(/^sha256:[a-f0-9]{64}$/);
    const tags = Array.from({ length: 12 }, (_, index) => `1.${index}.0`);
    expect(latestTags(tags)).toEqual([
      '1.9.0',
      '1.8.0',
      '1.7.0',
      '1.6.0',
      '1.5.0',
      '1.4.0',
      '1.3.0',
      '1.2.0',
      '1.11.0',
      '1.10.0',
    ]);
  });
});
