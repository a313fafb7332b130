// Expected outputs and messages below come from `kubectl kustomize` (kustomize v5.5.0) runs of the same patches.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { KObject } from '../types.ts';
import { applyJson6902Patch } from './json6902.ts';

const deployment = `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
  annotations:
    a/b: x
    t~n: y
spec:
  replicas: 1
  template:
    spec:
      containers:
      - name: a
        image: a
        args: [x, y]
`;

function patched(operations: string): KObject {
  return applyJson6902Patch(parse(deployment) as KObject, parse(operations) as unknown[], 'patch.yaml');
}

function argsAfter(operations: string): unknown {
  const spec = patched(operations)['spec'] as { template: { spec: { containers: { args: unknown }[] } } };
  return spec.template.spec.containers[0]?.args;
}

describe('applyJson6902Patch', () => {
  it('applies add, replace, remove, copy, move and test with escaped pointers, as kustomize does', () => {
    const result = patched(`
- op: add
  path: /spec/template/spec/containers/0/args/-
  value: z
- op: replace
  path: /metadata/annotations/a~1b
  value: X
- op: remove
  path: /metadata/annotations/t~0n
- op: copy
  from: /spec/replicas
  path: /spec/minReadySeconds
- op: move
  from: /spec/template/spec/containers/0/image
  path: /metadata/labels
- op: test
  path: /spec/replicas
  value: 1
- op: add
  path: /spec/template/spec/containers/0/args/0
  value: first
`);
    expect(result).toEqual(
      parse(`
apiVersion: apps/v1
kind: Deployment
metadata:
  annotations:
    a/b: X
  labels: a
  name: app
spec:
  minReadySeconds: 1
  replicas: 1
  template:
    spec:
      containers:
      - args:
        - first
        - x
        - "y"
        - z
        name: a
`),
    );
  });

  it('counts negative indices from the end', () => {
    expect(argsAfter('[{op: add, path: /spec/template/spec/containers/0/args/-1, value: neg}]')).toEqual([
      'x',
      'y',
      'neg',
    ]);
    expect(argsAfter('[{op: add, path: /spec/template/spec/containers/0/args/-2, value: neg}]')).toEqual([
      'x',
      'neg',
      'y',
    ]);
    expect(argsAfter('[{op: add, path: /spec/template/spec/containers/0/args/-3, value: neg}]')).toEqual([
      'neg',
      'x',
      'y',
    ]);
    expect(argsAfter('[{op: remove, path: /spec/template/spec/containers/0/args/-2}]')).toEqual(['y']);
    expect(argsAfter('[{op: replace, path: /spec/template/spec/containers/0/args/-1, value: R}]')).toEqual(['x', 'R']);
  });

  it('adds a missing leaf on replace and copies null from a missing key, as kustomize does', () => {
    const result = patched(`
- op: replace
  path: /spec/paused
  value: true
- op: copy
  from: /spec/nope
  path: /spec/x
`);
    expect(result['spec']).toMatchObject({ paused: true, x: null });
  });

  it.each([
    [
      'replace under a missing path',
      '[{op: replace, path: /spec/nope/x, value: 1}]',
      'patch.yaml: replace operation does not apply: doc is missing path: /spec/nope/x: missing value',
    ],
    [
      'remove of a missing key',
      '[{op: remove, path: /spec/nope}]',
      "patch.yaml: error in remove for path: '/spec/nope': Unable to remove nonexistent key: nope: missing value",
    ],
    [
      'add under a missing path',
      '[{op: add, path: /spec/nope/x, value: 1}]',
      'patch.yaml: add operation does not apply: doc is missing path: "/spec/nope/x": missing value',
    ],
    [
      'a failed test',
      '[{op: test, path: /spec/replicas, value: 2}]',
      'patch.yaml: testing value /spec/replicas failed: test failed',
    ],
    [
      'add past the end of a list',
      '[{op: add, path: /spec/template/spec/containers/5, value: {}}]',
      "patch.yaml: error in add for path: '/spec/template/spec/containers/5': Unable to access invalid index: 5: invalid index referenced",
    ],
    ['an unknown op', '[{op: frob, path: /spec/replicas}]', 'patch.yaml: Unexpected kind: frob'],
    [
      'move from a missing key',
      '[{op: move, from: /spec/nope, path: /spec/x}]',
      "patch.yaml: error in move for path: 'nope': Unable to remove nonexistent key: nope: missing value",
    ],
    [
      'replace past the end of a list',
      '[{op: replace, path: /spec/template/spec/containers/3, value: {}}]',
      'patch.yaml: replace operation does not apply: doc is missing key: /spec/template/spec/containers/3: missing value',
    ],
    [
      'an operation without a path',
      '[{op: add, value: 1}]',
      'patch.yaml: add operation failed to decode path: missing value',
    ],
  ])('fails on %s, naming the patch and the path', (_title, operations, message) => {
    expect(() => patched(operations)).toThrow(message);
  });

  it('leaves the target untouched', () => {
    const target = parse(deployment) as KObject;
    const before = structuredClone(target);
    applyJson6902Patch(target, [{ op: 'remove', path: '/spec' }], 'inline');
    expect(target).toEqual(before);
  });
});
