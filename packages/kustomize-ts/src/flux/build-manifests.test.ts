import { memoryFileSystem } from '../fs/memory-file-system.ts';
import { describe, expect, it } from 'vitest';
import { buildManifests, BuildError, withoutPlaintext } from './build-manifests.ts';
import { findOrGenerateKustomization } from './generate-kustomization.ts';
import { applyOverrides } from './overrides.ts';

const configMap = (name: string, extra = '') => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n${extra}`;
const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.27
`;

describe('findOrGenerateKustomization', () => {
  it('lists the YAML files in name order, a sub-directory with a kustomization as one entry, and skips other files', async () => {
    const fs = memoryFileSystem({
      'repo/apps/b.yaml': configMap('b'),
      'repo/apps/a.yml': configMap('a'),
      'repo/apps/README.md': '# not a manifest',
      'repo/apps/nested/c.yaml': configMap('c'),
      'repo/apps/sub/kustomization.yaml': 'resources: [x.yaml]\n',
      'repo/apps/sub/x.yaml': configMap('x'),
    });
    const result = await findOrGenerateKustomization(fs, '/repo/apps', '/repo');
    expect(result.generated).toBe(true);
    expect(result.path).toBe('/repo/apps/kustomization.yaml');
    expect(result.document['resources']).toEqual(['./a.yml', './b.yaml', './nested/c.yaml', './sub']);
  });

  it('names the file and line of a manifest that is not YAML', async () => {
    const fs = memoryFileSystem({
      'repo/apps/ok.yaml': configMap('ok'),
      'repo/apps/bad.yaml': 'kind: ConfigMap\nmetadata:\n  name: [unclosed\n',
    });
    await expect(findOrGenerateKustomization(fs, '/repo/apps', '/repo')).rejects.toThrow(
      /^failed to decode Kubernetes YAML from apps\/bad\.yaml: line \d+: Flow sequence/,
    );
  });

  it('uses the existing kustomization file', async () => {
    const fs = memoryFileSystem({ 'repo/kustomization.yml': 'resources:\n- a.yaml\n', 'repo/a.yaml': configMap('a') });
    const result = await findOrGenerateKustomization(fs, '/repo');
    expect(result).toEqual({ path: '/repo/kustomization.yml', document: { resources: ['a.yaml'] }, generated: false });
  });
});

describe('applyOverrides', () => {
  const exists = async () => true;
  it('sets namespace, prefix and suffix, appends patches and components, and replaces images by name', async () => {
    const result = await applyOverrides(
      {
        resources: ['a.yaml'],
        images: [
          { name: 'nginx', newTag: '1' },
          { name: 'redis', newTag: '6' },
        ],
        patches: [{ path: 'p.yaml' }],
      },
      {
        targetNamespace: 'prod',
        namePrefix: 'p-',
        nameSuffix: '-s',
        patches: [{ patch: 'x', target: { kind: 'Deployment', name: '' } }],
        components: ['../c'.replace('../', './')],
        images: [
          { name: 'nginx', newTag: '2' },
          { name: 'busybox', digest: 'sha256:abc' },
        ],
      },
      exists,
    );
    expect(result).toEqual({
      resources: ['a.yaml'],
      namespace: 'prod',
      namePrefix: 'p-',
      nameSuffix: '-s',
      patches: [{ path: 'p.yaml' }, { patch: 'x', target: { kind: 'Deployment' } }],
      components: ['./c'],
      images: [
        { name: 'nginx', newTag: '2' },
        { name: 'redis', newTag: '6' },
        { name: 'busybox', digest: 'sha256:abc' },
      ],
    });
  });

  it('refuses a component that is not local, and skips a missing one when asked to', async () => {
    await expect(applyOverrides({ resources: ['a'] }, { components: ['../outside'] }, exists)).rejects.toThrow(
      "component path '../outside' must be local and relative",
    );
    const result = await applyOverrides(
      { resources: ['a'] },
      { components: ['./gone'], ignoreMissingComponents: true },
      async () => false,
    );
    expect(result['components']).toBeUndefined();
  });
});

describe('buildManifests', () => {
  it('builds a directory without kustomization.yaml with the spec overrides', async () => {
    const fs = memoryFileSystem({ 'art/apps/web.yaml': deployment, 'art/apps/cm.yaml': configMap('settings') });
    const objects = await buildManifests('/art', {
      fs,
      path: './apps',
      allowRemoteBases: false,
      spec: { targetNamespace: 'shop', namePrefix: 'dev-', images: [{ name: 'nginx', newTag: '1.28' }] },
    });
    expect(objects.map((object) => `${object.kind}/${object.metadata?.namespace}/${object.metadata?.name}`)).toEqual([
      'ConfigMap/shop/dev-settings',
      'Deployment/shop/dev-web',
    ]);
    expect(JSON.stringify(objects[1])).toContain('nginx:1.28');
  });

  it('reports broken YAML as BuildFailed naming the file and line, relative to the artifact', async () => {
    const fs = memoryFileSystem({
      'art/kustomization.yaml': 'resources: [cm.yaml]\n',
      'art/cm.yaml': 'kind: ConfigMap\ndata:\n  k: [unclosed\n',
    });
    const error = await buildManifests('/art', { fs, path: undefined, allowRemoteBases: false, spec: {} }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(BuildError);
    expect((error as BuildError).reason).toBe('BuildFailed');
    expect((error as Error).message).toMatch(/cm\.yaml/);
    expect((error as Error).message).toMatch(/line \d+/);
    expect((error as Error).message).not.toContain('/art/');
  });

  it('refuses a path that does not exist or leaves the artifact, and anything loaded from outside it', async () => {
    const fs = memoryFileSystem({
      'art/apps/kustomization.yaml': 'resources: [../../secret.yaml]\n',
      'secret.yaml': configMap('s'),
    });
    await expect(buildManifests('/art', { fs, path: './nope', allowRemoteBases: false, spec: {} })).rejects.toThrow(
      "kustomization path not found: './nope'",
    );
    await expect(buildManifests('/art', { fs, path: '../', allowRemoteBases: false, spec: {} })).rejects.toThrow(
      'outside the artifact',
    );
    await expect(buildManifests('/art', { fs, path: './apps', allowRemoteBases: false, spec: {} })).rejects.toThrow(
      /not in or below the root/,
    );
  });

  it('refuses remote bases when they are not allowed', async () => {
    const fs = memoryFileSystem({
      'art/kustomization.yaml': 'resources:\n- https://github.com/org/repo//deploy?ref=v1\n',
    });
    await expect(buildManifests('/art', { fs, path: undefined, allowRemoteBases: false, spec: {} })).rejects.toThrow(
      /remote bases are not allowed/,
    );
  });
});

describe('decrypted sources', () => {
  it('a build error never quotes a line of a decrypted file', () => {
    const decrypted = new Map([['/a/deploy/app.env', 'DB_PASSWORD=s3cr3t-value\nDB_USER=admin\n']]);
    const message = withoutPlaintext(
      'in deploy/kustomization.yaml: invalid line "DB_PASSWORD=s3cr3t-value" in app.env',
      decrypted,
    );
    expect(message).toBe('in deploy/kustomization.yaml: invalid line "[decrypted content]" in app.env');
  });
});
