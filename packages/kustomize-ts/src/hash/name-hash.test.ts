// Hash suffixes checked against names `kubectl kustomize` (kustomize v5.5.0) produced for the same objects.
import { describe, expect, it } from 'vitest';
import { encodeHashSuffix, hashInput, nameHash } from './name-hash.ts';

describe('nameHash', () => {
  it('gives the suffix kustomize gives a generated ConfigMap', () => {
    // configMapGenerator: name cfg, literals [A=1, B=2] -> cfg-66h9cbh964
    expect(nameHash({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg' }, data: { A: '1', B: '2' } })).toBe(
      '66h9cbh964',
    );
    // an empty configMapGenerator entry -> cfg-6ct58987ht
    expect(nameHash({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg' } })).toBe('6ct58987ht');
  });

  it('does not depend on the name, labels or key order, as in kustomize', () => {
    const a = nameHash({
      kind: 'ConfigMap',
      metadata: { name: 'p-cfg', labels: { app: 'web' } },
      data: { B: 'hello world', A: '1' },
    });
    const b = nameHash({ kind: 'ConfigMap', metadata: { name: 'other' }, data: { A: '1', B: 'hello world' } });
    expect(a).toBe(b);
  });

  it('hashes a Secret with its type and data', () => {
    // secretGenerator: literals [pw=new] (type Opaque) -> ...-k8ftdg6hg4
    expect(
      nameHash({ apiVersion: 'v1', kind: 'Secret', type: 'Opaque', metadata: { name: 'sec' }, data: { pw: 'bmV3' } }),
    ).toBe('k8ftdg6hg4');
  });

  it('encodes Go JSON with sorted keys and escaped HTML characters', () => {
    expect(hashInput({ kind: 'ConfigMap', data: { b: '<&>', a: 'x' } })).toBe(
      '{"data":{"a":"x","b":"\\u003c\\u0026\\u003e"},"kind":"ConfigMap","name":""}',
    );
  });

  it('substitutes the characters kustomize avoids', () => {
    expect(encodeHashSuffix('0123a5e789ffff')).toBe('gh2km5t789');
  });
});
