import { describe, expect, it } from 'vitest';
import type { HelmRelease } from '@fluxion/api';
import { composeValues, mergeValues, type DataReader } from './values.ts';
import { setValueAtPath } from './values-path.ts';

const objects: Record<string, Record<string, string>> = {
  'ConfigMap/base': { 'values.yaml': 'image:\n  tag: "1.0"\n  pullPolicy: IfNotPresent\nreplicas: 1\n' },
  'Secret/creds': { token: 'abc123', 'values.yaml': 'password: s3cret\n' },
  'ConfigMap/broken': { 'values.yaml': 'a: [unclosed\n' },
};
const read: DataReader = async (kind, _namespace, name) => objects[`${kind}/${name}`];
const hr = (spec: Partial<NonNullable<HelmRelease['spec']>>): HelmRelease => ({
  apiVersion: 'helm.toolkit.fluxcd.io/v2',
  kind: 'HelmRelease',
  metadata: { name: 'x', namespace: 'ns' },
  spec: { interval: '1m', ...spec },
});

describe('values', () => {
  it('merges valuesFrom in order, then spec.values, maps deeply', async () => {
    const values = await composeValues(
      hr({
        valuesFrom: [
          { kind: 'ConfigMap', name: 'base' },
          { kind: 'Secret', name: 'creds' },
        ],
        values: { image: { tag: '2.0' } },
      }),
      read,
    );
    expect(values).toEqual({ image: { tag: '2.0', pullPolicy: 'IfNotPresent' }, replicas: 1, password: 's3cret' });
  });

  it('puts a key at a targetPath as one string, and skips optional missing references', async () => {
    const values = await composeValues(
      hr({
        valuesFrom: [
          { kind: 'Secret', name: 'creds', valuesKey: 'token', targetPath: 'auth.tokens[1]' },
          { kind: 'Secret', name: 'gone', optional: true },
          { kind: 'ConfigMap', name: 'base', valuesKey: 'other', optional: true },
        ],
      }),
      read,
    );
    expect(values).toEqual({ auth: { tokens: [null, 'abc123'] } });
  });

  it('names the missing object, the key, and the bad YAML position without quoting the content', async () => {
    await expect(composeValues(hr({ valuesFrom: [{ kind: 'Secret', name: 'gone' }] }), read)).rejects.toThrow(
      "could not find Secret 'ns/gone' (spec.valuesFrom[0]): Secret not found",
    );
    await expect(
      composeValues(hr({ valuesFrom: [{ kind: 'Secret', name: 'creds', valuesKey: 'nope' }] }), read),
    ).rejects.toThrow("missing key 'nope' in Secret 'ns/creds' (spec.valuesFrom[0])");
    const error = await composeValues(hr({ valuesFrom: [{ kind: 'ConfigMap', name: 'broken' }] }), read).catch(
      (e: Error) => e,
    );
    expect(error.message).toMatch(
      /^key 'values.yaml' of ConfigMap 'ns\/broken' \(spec.valuesFrom\[0\]\) is not valid YAML/,
    );
    expect(error.message).not.toContain('unclosed');
  });

  it('merges as Helm does: maps key by key, lists and scalars replaced', () => {
    expect(mergeValues({ a: { b: 1, c: [1, 2] }, d: 1 }, { a: { c: [3] }, d: null })).toEqual({
      a: { b: 1, c: [3] },
      d: null,
    });
  });

  it('sets values at --set style paths with escaped dots', () => {
    expect(setValueAtPath({}, 'a.b\\.c.d', 'x')).toEqual({ a: { 'b.c': { d: 'x' } } });
    expect(setValueAtPath({ list: [{ n: 1 }] }, 'list[0].m', 2)).toEqual({ list: [{ n: 1, m: 2 }] });
    expect(() => setValueAtPath({}, '[0]', 1)).toThrow('the path must start with a key');
  });
});
