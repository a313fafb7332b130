// Whole builds from in-memory trees; expected outputs are what `kubectl kustomize` printed for the same trees.
import { describe, expect, it } from 'vitest';
import { buildToYaml, KustomizeError, memoryFileSystem } from './index.ts';

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      serviceAccountName: sa
      containers:
      - name: c
        image: nginx
        envFrom:
        - configMapRef:
            name: cfg
`;

describe('build', () => {
  it('prefixes, namespaces, hashes and follows the new names into references', async () => {
    const fs = memoryFileSystem({
      '/app/kustomization.yaml':
        'namespace: prod\nnamePrefix: p-\ncommonLabels:\n  app: web\nimages:\n- name: nginx\n  newTag: "1.2"\nconfigMapGenerator:\n- name: cfg\n  literals:\n  - A=1\nresources:\n- dep.yaml\n- sa.yaml\n',
      '/app/dep.yaml': deployment,
      '/app/sa.yaml': 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: sa\n',
    });
    const yaml = await buildToYaml('/app', { fs });
    expect(yaml).toBe(`apiVersion: v1
kind: ServiceAccount
metadata:
  labels:
    app: web
  name: p-sa
  namespace: prod
---
apiVersion: v1
data:
  A: "1"
kind: ConfigMap
metadata:
  labels:
    app: web
  name: p-cfg-89g4tffbfk
  namespace: prod
---
apiVersion: apps/v1
kind: Deployment
metadata:
  labels:
    app: web
  name: p-web
  namespace: prod
spec:
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - envFrom:
        - configMapRef:
            name: p-cfg-89g4tffbfk
        image: nginx:1.2
        name: c
      serviceAccountName: p-sa
`);
  });

  it('writes labels without selectors unless asked, and into templates when asked', async () => {
    const fs = memoryFileSystem({
      '/app/kustomization.yaml':
        'labels:\n- pairs:\n    team: a\n  includeTemplates: true\n- pairs:\n    only: meta\nresources:\n- dep.yaml\n',
      '/app/dep.yaml': deployment,
    });
    const yaml = await buildToYaml('/app', { fs });
    expect(yaml).toContain('metadata:\n  labels:\n    only: meta\n    team: a\n  name: web\n');
    expect(yaml).toContain('  template:\n    metadata:\n      labels:\n        team: a\n');
    expect(yaml).not.toContain('selector');
  });

  it('follows a roleRef only to the kind it names', async () => {
    const fs = memoryFileSystem({
      '/app/kustomization.yaml': 'nameSuffix: -x\nresources:\n- rbac.yaml\n',
      '/app/rbac.yaml': `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: reader
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: rb
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: reader
`,
    });
    const yaml = await buildToYaml('/app', { fs });
    expect(yaml).toContain('roleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: Role\n  name: reader\n');
  });

  it('merges a generator into the one of the same name from a base', async () => {
    const fs = memoryFileSystem({
      '/base/kustomization.yaml': 'namePrefix: b-\nconfigMapGenerator:\n- name: cfg\n  literals: [A=1]\n',
      '/overlay/kustomization.yaml':
        'resources: [../base]\nconfigMapGenerator:\n- name: cfg\n  behavior: merge\n  literals: [B=2]\n',
    });
    // kubectl kustomize printed b-cfg-66h9cbh964 for the same tree.
    expect(await buildToYaml('/overlay', { fs })).toBe(
      'apiVersion: v1\ndata:\n  A: "1"\n  B: "2"\nkind: ConfigMap\nmetadata:\n  name: b-cfg-66h9cbh964\n',
    );
  });
});

describe('patch values', () => {
  it('are typed as kustomize types them', async () => {
    const fs = memoryFileSystem({
      '/app/kustomization.yaml':
        'resources: [r.yaml]\npatches:\n- patch: |-\n    apiVersion: v1\n    kind: ConfigMap\n    metadata:\n      name: a\n    spec:\n      d: 2024-01-01\n      o: 010\n      u: 1_000\n',
      '/app/r.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n',
    });
    // kubectl kustomize printed this for the same tree.
    expect(await buildToYaml('/app', { fs })).toBe(
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\nspec:\n  d: "2024-01-01T00:00:00Z"\n  o: 8\n  u: 1000\n',
    );
  });
});

describe('name references between same-named resources', () => {
  it('picks the referral that went through the same prefixes as the referrer', async () => {
    const base = (letter: string): Record<string, string> => ({
      [`/${letter}/kustomization.yaml`]: `namespace: n${letter}\nnamePrefix: ${letter}-\nresources: [r.yaml]\nconfigMapGenerator:\n- name: cfg\n  literals: [X=${letter}]\n`,
      [`/${letter}/r.yaml`]: deployment.replace('serviceAccountName: sa\n      ', ''),
    });
    const fs = memoryFileSystem({
      ...base('a'),
      ...base('b'),
      '/top/kustomization.yaml': 'resources: [../a, ../b]\nnamespace: same\n',
    });
    const yaml = await buildToYaml('/top', { fs });
    // kubectl kustomize printed these names for the same tree.
    expect(yaml).toContain(
      '  name: a-web\n  namespace: same\nspec:\n  template:\n    spec:\n      containers:\n      - envFrom:\n        - configMapRef:\n            name: a-cfg-5dh86htgf8\n',
    );
    expect(yaml).toContain(
      '  name: b-web\n  namespace: same\nspec:\n  template:\n    spec:\n      containers:\n      - envFrom:\n        - configMapRef:\n            name: b-cfg-ff96tkg7m7\n',
    );
  });
});

describe('build errors', () => {
  async function failure(files: Record<string, string>, dir = '/app', options = {}): Promise<KustomizeError> {
    try {
      await buildToYaml(dir, { fs: memoryFileSystem(files), ...options });
    } catch (error) {
      expect(error).toBeInstanceOf(KustomizeError);
      return error as KustomizeError;
    }
    throw new Error('the build did not fail');
  }

  it('names an unknown kustomization field', async () => {
    expect((await failure({ '/app/kustomization.yaml': 'resourcez: []\n' })).message).toContain(
      'unknown field "resourcez"',
    );
  });

  it('refuses helm charts as not supported', async () => {
    expect((await failure({ '/app/kustomization.yaml': 'helmCharts:\n- name: x\n' })).message).toContain(
      'not supported: helmCharts',
    );
  });

  it('names a missing resource and the kustomization listing it', async () => {
    const error = await failure({ '/app/kustomization.yaml': 'resources:\n- nothere.yaml\n' });
    expect(error.message).toContain('nothere.yaml');
    expect(error.message).toContain('/app/kustomization.yaml');
  });

  it('names the file and line of malformed YAML', async () => {
    const error = await failure({
      '/app/kustomization.yaml': 'resources:\n- x.yaml\n',
      '/app/x.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n   bad: : x\n',
    });
    expect(error.message).toMatch(/line \d+/);
    expect(error.message).toContain('x.yaml');
  });

  it('refuses two resources with the same id', async () => {
    const error = await failure({
      '/app/kustomization.yaml': 'resources:\n- a.yaml\n- b.yaml\n',
      '/app/a.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n',
      '/app/b.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n',
    });
    expect(error.message).toContain(
      'may not add resource with an already registered id: ConfigMap.v1.[noGrp]/a.[noNs]',
    );
  });

  it('detects a cycle of bases', async () => {
    const error = await failure(
      { '/a/kustomization.yaml': 'resources:\n- ../b\n', '/b/kustomization.yaml': 'resources:\n- ../a\n' },
      '/a',
    );
    expect(error.message).toContain('cycle detected');
  });

  it('refuses a generator that would create an existing object', async () => {
    const error = await failure({
      '/app/kustomization.yaml': 'configMapGenerator:\n- name: a\n  literals: [A=1]\n- name: a\n  literals: [B=1]\n',
    });
    expect(error.message).toContain('behavior must be merge or replace');
  });

  it('refuses files outside the kustomization root', async () => {
    const error = await failure(
      {
        '/app/inner/kustomization.yaml': 'resources:\n- ../secret.yaml\n',
        '/app/secret.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n',
      },
      '/app/inner',
    );
    expect(error.message).toContain("is not in or below '/app/inner'");
  });

  it('refuses bases outside the given root', async () => {
    const error = await failure(
      { '/repo/app/kustomization.yaml': 'resources:\n- ../../other\n', '/other/kustomization.yaml': 'resources: []\n' },
      '/repo/app',
      { root: '/repo' },
    );
    expect(error.message).toContain("is not in or below the root '/repo'");
  });

  it('refuses remote bases unless allowed', async () => {
    const error = await failure({ '/app/kustomization.yaml': 'resources:\n- https://github.com/x/y//base?ref=v1\n' });
    expect(error.message).toContain('remote bases are not allowed');
  });
});
