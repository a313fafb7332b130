// Builtin plugin configs in `transformers:`/`generators:`; expected texts are `kubectl kustomize` output for the same trees.
import { describe, expect, it } from 'vitest';
import { buildToYaml, memoryFileSystem } from '../index.ts';

describe('builtin plugin configs', () => {
  it('runs label, prefix/suffix, namespace (unsetOnly) and image configs after the kustomization fields', async () => {
    const fs = memoryFileSystem({
      '/app/kustomization.yaml': 'resources: [r.yaml]\nnamePrefix: k-\ntransformers:\n- t.yaml\n',
      '/app/t.yaml': `apiVersion: builtin
kind: LabelTransformer
metadata:
  name: lbl
labels:
  plug: "1"
fieldSpecs:
- path: metadata/labels
  create: true
---
apiVersion: builtin
kind: PrefixSuffixTransformer
metadata:
  name: ps
prefix: pp-
suffix: -ss
fieldSpecs:
- path: metadata/name
---
apiVersion: builtin
kind: NamespaceTransformer
metadata:
  name: ns
  namespace: plugged
unsetOnly: true
---
apiVersion: builtin
kind: ImageTagTransformer
metadata:
  name: img
imageTag:
  name: nginx
  newTag: "9"
`,
      '/app/r.yaml': `apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  template:
    spec:
      containers: [{name: c, image: nginx}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: cm, namespace: keep}
`,
    });
    expect(await buildToYaml('/app', { fs })).toBe(`apiVersion: v1
kind: ConfigMap
metadata:
  labels:
    plug: "1"
  name: pp-k-cm-ss
  namespace: keep
---
apiVersion: apps/v1
kind: Deployment
metadata:
  labels:
    plug: "1"
  name: pp-k-d-ss
  namespace: plugged
spec:
  template:
    spec:
      containers:
      - image: nginx:9
        name: c
`);
  });

  it('generates from builtin generator configs, hashed and prefixed', async () => {
    const fs = memoryFileSystem({
      '/app/kustomization.yaml': 'namePrefix: p-\ngenerators:\n- gen.yaml\n',
      '/app/gen.yaml':
        'apiVersion: builtin\nkind: ConfigMapGenerator\nmetadata:\n  name: fromplugin\n  namespace: nsx\nliterals:\n- A=1\n',
    });
    expect(await buildToYaml('/app', { fs })).toBe(
      'apiVersion: v1\ndata:\n  A: "1"\nkind: ConfigMap\nmetadata:\n  name: p-fromplugin-89g4tffbfk\n  namespace: nsx\n',
    );
  });

  it('refuses exec and container plugins', async () => {
    const fs = memoryFileSystem({
      '/app/kustomization.yaml': 'transformers:\n- t.yaml\n',
      '/app/t.yaml': 'apiVersion: example.com/v1\nkind: MyPlugin\nmetadata:\n  name: x\n',
    });
    await expect(buildToYaml('/app', { fs })).rejects.toThrow(
      'not supported: transformers plugin example.com/v1/MyPlugin',
    );
  });
});
