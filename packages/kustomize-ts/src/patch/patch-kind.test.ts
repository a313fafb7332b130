// Which reading kustomize picks (and which texts it rejects) was checked with `kubectl kustomize` (v5.5.0).
import { describe, expect, it } from 'vitest';
import { parsePatch } from './patch-kind.ts';

describe('parsePatch', () => {
  it('reads YAML objects, one per document, as a strategic merge patch', () => {
    const text =
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: b\n';
    const parsed = parsePatch(text, 'patch.yaml');
    expect(parsed.kind).toBe('strategic-merge');
    expect(parsed.kind === 'strategic-merge' && parsed.patches.map((patch) => patch.kind)).toEqual([
      'Deployment',
      'Service',
    ]);
  });

  it('reads a YAML list as JSON 6902 operations', () => {
    expect(parsePatch('- op: replace\n  path: /spec/replicas\n  value: 3\n', 'p')).toEqual({
      kind: 'json6902',
      operations: [{ op: 'replace', path: '/spec/replicas', value: 3 }],
    });
  });

  it('reads a JSON array as JSON 6902 operations', () => {
    expect(parsePatch('[{"op": "remove", "path": "/spec"}]', 'p')).toEqual({
      kind: 'json6902',
      operations: [{ op: 'remove', path: '/spec' }],
    });
  });

  it('treats an empty text as a patch that changes nothing', () => {
    expect(parsePatch('', 'p')).toEqual({ kind: 'strategic-merge', patches: [] });
  });

  it.each(['\n', '# only a comment\n', '---\n'])('rejects %j as both kinds at once', (text) => {
    expect(() => parsePatch(text, '[path: "patch.yaml"]')).toThrow(
      'illegally qualifies as both an SM and JSON patch: [path: "patch.yaml"]',
    );
  });

  it('rejects a scalar as neither kind', () => {
    expect(() => parsePatch('hello\n', '[path: "patch.yaml"]')).toThrow(
      'unable to parse SM or JSON patch from [path: "patch.yaml"]',
    );
  });

  it('types JSON patch values as go-yaml v2 does (YAML 1.1 booleans, dates kept as written)', () => {
    const parsed = parsePatch('- op: add\n  path: /spec\n  value: {a: yes, b: on, c: 010, d: 2001-12-14, e: ~}\n', 'p');
    expect(parsed).toEqual({
      kind: 'json6902',
      operations: [{ op: 'add', path: '/spec', value: { a: true, b: true, c: 8, d: '2001-12-14', e: null } }],
    });
  });

  it('types strategic merge patch values as go-yaml v3 does (yes is a string, dates become RFC 3339)', () => {
    const parsed = parsePatch('kind: ConfigMap\nmetadata: {name: a}\ndata2: {a: yes, c: 010, d: 2001-12-14}\n', 'p');
    expect(parsed.kind === 'strategic-merge' && parsed.patches[0]?.['data2']).toEqual({
      a: 'yes',
      c: 8,
      d: '2001-12-14T00:00:00Z',
    });
  });
});
