// spec.ignore's selectors and JSON pointers.
import { describe, expect, it } from 'vitest';
import { pointerTokens, selects } from './ignore-rules.ts';

const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web-1', namespace: 'apps', labels: { tier: 'front', team: 'a' }, annotations: { owner: 'hpa' } },
};

describe('ignore rules', () => {
  it('reads JSON pointers as RFC 6901 says', () => {
    expect(pointerTokens('/spec/replicas')).toEqual(['spec', 'replicas']);
    expect(pointerTokens('/metadata/annotations/example.com~1owner~0x')).toEqual([
      'metadata',
      'annotations',
      'example.com/owner~x',
    ]);
    expect(pointerTokens('')).toEqual([]);
  });

  it('selects by group, version, kind, namespace, name pattern, labels and annotations', () => {
    expect(selects({ group: 'apps', version: 'v1', kind: 'Deployment' }, deployment)).toBe(true);
    expect(selects({ group: '', kind: 'Deployment' }, deployment)).toBe(false);
    expect(selects({ name: 'web-.*', namespace: 'apps' }, deployment)).toBe(true);
    expect(selects({ name: 'web' }, deployment)).toBe(false);
    expect(selects({ labelSelector: 'tier=front,team in (a,b)' }, deployment)).toBe(true);
    expect(selects({ labelSelector: 'tier!=front' }, deployment)).toBe(false);
    expect(selects({ labelSelector: '!missing,team' }, deployment)).toBe(true);
    expect(selects({ annotationSelector: 'owner=hpa' }, deployment)).toBe(true);
  });
});
