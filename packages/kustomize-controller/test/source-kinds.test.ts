// Kustomizations whose sourceRef is an OCIRepository, a Bucket or an ExternalArtifact: each read only through its
// status.artifact (written here as its producer would), applied, and re-applied when the artifact changes.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { V1ConfigMap } from '@kubernetes/client-node';
import { filesToEntries, sha256Digest, startStaticServer, tarGz, type RunningServer } from '@fluxion/testenv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configMapYaml, eventually, readyOf, startKustomizeEnv, type KustomizeEnv } from './support/kustomize-env.ts';

let k: KustomizeEnv;
let server: RunningServer;
let artifactDir: string;
let published = 0;

beforeAll(async () => {
  k = await startKustomizeEnv('kinds');
  artifactDir = await mkdtemp(join(tmpdir(), 'kc-kinds-'));
  server = await startStaticServer(artifactDir);
});
afterAll(async () => {
  await k?.stop();
  await server?.stop();
  if (artifactDir) await rm(artifactDir, { recursive: true, force: true });
});

type SourceKind = 'OCIRepository' | 'Bucket' | 'ExternalArtifact';

const specOf: Record<SourceKind, Record<string, unknown>> = {
  OCIRepository: { url: 'oci://registry.example.invalid/manifests', interval: '1h' },
  Bucket: { bucketName: 'manifests', endpoint: 'minio.example.invalid', interval: '1h' },
  ExternalArtifact: { sourceRef: { apiVersion: 'example.dev/v1', kind: 'Generator', name: 'gen' } },
};

/** Serves the files as a new artifact and writes the source's status.artifact as its producer does. */
async function publish(kind: SourceKind, name: string, files: Record<string, string>, revision: string): Promise<void> {
  const archive = tarGz(filesToEntries(files));
  const fileName = `${kind.toLowerCase()}-${name}-${published++}.tar.gz`;
  await writeFile(join(artifactDir, fileName), archive);
  const object = { apiVersion: 'source.toolkit.fluxcd.io/v1', kind, metadata: { name, namespace: k.ns } };
  await k.client.apply({ ...object, spec: specOf[kind] }, { fieldManager: 'test', force: true });
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const artifact = {
    path: `${kind.toLowerCase()}/${k.ns}/${name}/${fileName}`,
    url: `${server.url}/${fileName}`,
    revision,
    digest: sha256Digest(archive),
    lastUpdateTime: now,
    size: archive.length,
  };
  await k.client.apply(
    {
      ...object,
      status: {
        artifact,
        conditions: [
          {
            type: 'Ready',
            status: 'True',
            reason: 'Succeeded',
            message: `stored artifact for revision '${revision}'`,
            lastTransitionTime: now,
          },
        ],
      },
    },
    { fieldManager: 'producer', force: true, subresource: 'status' },
  );
}

async function appliedAt(name: string, revision: string) {
  return eventually(`${name} Ready at ${revision}`, async () => {
    const kustomization = await k.getKustomization(name);
    return readyOf(kustomization)?.status === 'True' && kustomization?.status?.lastAppliedRevision === revision
      ? kustomization
      : undefined;
  });
}

describe('source kinds', () => {
  const cases: Array<[SourceKind, string, string]> = [
    ['OCIRepository', `v1.0.0@sha256:${'1'.repeat(64)}`, `v1.1.0@sha256:${'2'.repeat(64)}`],
    ['Bucket', `sha256:${'3'.repeat(64)}`, `sha256:${'4'.repeat(64)}`],
    ['ExternalArtifact', `v1@sha256:${'5'.repeat(64)}`, `v2@sha256:${'6'.repeat(64)}`],
  ];
  for (const [kind, first, second] of cases) {
    it(`applies from a ${kind} and rolls to its next artifact`, async () => {
      const name = `from-${kind.toLowerCase()}`;
      await publish(kind, name, { 'cm.yaml': configMapYaml(name, { revision: 'one' }) }, first);
      await k.applyKustomization(name, { sourceRef: { kind, name }, targetNamespace: k.ns });
      await appliedAt(name, first);
      expect((await k.get<V1ConfigMap>('v1', 'ConfigMap', name))?.data).toEqual({ revision: 'one' });

      // a new artifact alone (no edit to the Kustomization) triggers the re-apply
      await publish(kind, name, { 'cm.yaml': configMapYaml(name, { revision: 'two' }) }, second);
      await appliedAt(name, second);
      expect((await k.get<V1ConfigMap>('v1', 'ConfigMap', name))?.data).toEqual({ revision: 'two' });
    });
  }

  it('names a missing ExternalArtifact', async () => {
    await k.applyKustomization('missing-ea', { sourceRef: { kind: 'ExternalArtifact', name: 'not-there' } });
    const failed = await eventually('missing-ea not Ready', async () => {
      const ready = readyOf(await k.getKustomization('missing-ea'));
      return ready?.status === 'False' ? ready : undefined;
    });
    expect(failed.message).toContain(`ExternalArtifact/${k.ns}/not-there`);
  });
});
