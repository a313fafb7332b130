import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, readlink, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ArtifactStorage } from './storage.ts';
import { StorageError } from './storage-error.ts';

const owner = { kind: 'GitRepository', namespace: 'team-a', name: 'podinfo' };
const sha = '132f4e719209eb10b9485302f8593fc0e680f4fc';
const fixedNow = new Date('2024-05-01T10:00:00.123Z');

let root = '';
let storage: ArtifactStorage;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'storage-test-'));
  storage = new ArtifactStorage({
    basePath: join(root, 'data'),
    advertisedAddress: 'source-controller.flux-system.svc.cluster.local.',
    now: () => fixedNow,
  });
  await storage.ensureBasePath();
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function checkout(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(root, 'checkout-'));
  for (const [path, content] of Object.entries(files)) await writeFile(join(dir, path), content);
  return dir;
}

describe('ArtifactStorage', () => {
  it('archives a checkout under <kind>/<namespace>/<name>/<file> and describes it for status', async () => {
    const artifact = await storage.archive(owner, `main@sha1:${sha}`, await checkout({ 'app.yaml': 'a: 1\n' }), {
      fileName: `${sha}.tar.gz`,
    });
    expect(artifact).toEqual({
      path: `gitrepository/team-a/podinfo/${sha}.tar.gz`,
      url: `http://source-controller.flux-system.svc.cluster.local./gitrepository/team-a/podinfo/${sha}.tar.gz`,
      revision: `main@sha1:${sha}`,
      digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
      lastUpdateTime: '2024-05-01T10:00:00Z',
      size: expect.any(Number),
    });
    const bytes = await readFile(join(root, 'data', artifact.path));
    expect(artifact.size).toBe(bytes.length);
    expect(artifact.digest).toBe(`sha256:${createHash('sha256').update(bytes).digest('hex')}`);
    expect(await storage.exists(artifact)).toBe(true);
    expect(await storage.verify(artifact)).toBe(true);
    // no temporary file is left beside it
    expect(await readdir(join(root, 'data/gitrepository/team-a/podinfo'))).toEqual([`${sha}.tar.gz`]);
  });

  it('detects a missing or altered artifact', async () => {
    const artifact = await storage.archive(owner, `main@sha1:${sha}`, await checkout({ 'a.yaml': 'a' }), {
      fileName: 'x.tar.gz',
    });
    await writeFile(join(root, 'data', artifact.path), 'tampered');
    expect(await storage.verify(artifact)).toBe(false);
    await rm(join(root, 'data', artifact.path));
    expect(await storage.exists(artifact)).toBe(false);
  });

  it('finds a file altered behind the back of a new process, once per file, and removes it on request', async () => {
    const artifact = await storage.archive(owner, `main@sha1:${sha}`, await checkout({ 'a.yaml': 'a' }), {
      fileName: 'x.tar.gz',
    });
    // what this process wrote is known whole
    expect(await storage.intact(artifact)).toBe(true);
    const nextProcess = new ArtifactStorage({ basePath: join(root, 'data'), advertisedAddress: 'x' });
    expect(await nextProcess.intact(artifact)).toBe(true);
    const another = new ArtifactStorage({ basePath: join(root, 'data'), advertisedAddress: 'x' });
    await writeFile(join(root, 'data', artifact.path), 'torn');
    expect(await another.intact(artifact)).toBe(false);
    await another.remove(artifact);
    expect(await another.exists(artifact)).toBe(false);
    // a missing file is not a corrupt one: the reconcilers build what is missing
    expect(await another.intact(artifact)).toBe(true);
  });

  it('keeps a scheme given in the advertised address', () => {
    const https = new ArtifactStorage({ basePath: root, advertisedAddress: 'https://artifacts.example.com/' });
    expect(https.artifactUrl('gitrepository/a/b/c.tar.gz')).toBe(
      'https://artifacts.example.com/gitrepository/a/b/c.tar.gz',
    );
  });

  it('refuses paths and names that would leave the storage root', () => {
    expect(() => storage.localPath('../../etc/passwd')).toThrow(StorageError);
    expect(() => storage.artifactPath({ ...owner, name: '..' }, 'x.tar.gz')).toThrow(/not a single path segment/);
    expect(() => storage.artifactPath(owner, 'a/b.tar.gz')).toThrow(StorageError);
  });

  it('writes a stream atomically with its digest', async () => {
    const content = Buffer.from('chart bytes '.repeat(10_000));
    const artifact = await storage.write(
      { kind: 'HelmChart', namespace: 'ns', name: 'c' },
      '1.0.0',
      'c-1.0.0.tgz',
      Readable.from([content]),
    );
    expect(artifact.path).toBe('helmchart/ns/c/c-1.0.0.tgz');
    expect(artifact.digest).toBe(`sha256:${createHash('sha256').update(content).digest('hex')}`);
    expect(artifact.size).toBe(content.length);
  });

  it('points latest.tar.gz at the newest artifact with a relative link', async () => {
    const first = await storage.archive(owner, 'r1', await checkout({ 'a.yaml': '1' }), { fileName: 'one.tar.gz' });
    const url = await storage.linkLatest(first);
    expect(url).toBe(
      'http://source-controller.flux-system.svc.cluster.local./gitrepository/team-a/podinfo/latest.tar.gz',
    );
    const link = join(root, 'data/gitrepository/team-a/podinfo/latest.tar.gz');
    expect(await readlink(link)).toBe('one.tar.gz');
    const second = await storage.archive(owner, 'r2', await checkout({ 'a.yaml': '2' }), { fileName: 'two.tar.gz' });
    await storage.linkLatest(second);
    expect(await readlink(link)).toBe('two.tar.gz');
    expect(await readFile(link)).toEqual(await readFile(join(root, 'data', second.path)));
  });

  it('removes every artifact of a deleted object and nothing else', async () => {
    const other = { ...owner, name: 'other' };
    await storage.archive(owner, 'r', await checkout({ a: 'a' }), { fileName: 'a.tar.gz' });
    const kept = await storage.archive(other, 'r', await checkout({ a: 'a' }), { fileName: 'a.tar.gz' });
    expect(await storage.removeAll(owner)).toBe(join(root, 'data/gitrepository/team-a/podinfo'));
    await expect(stat(join(root, 'data/gitrepository/team-a/podinfo'))).rejects.toThrow();
    expect(await storage.exists(kept)).toBe(true);
    expect(await storage.removeAll(owner)).toBeUndefined();
  });

  it('fails with StorageOperationFailed naming the path when the storage path is not writable', async () => {
    await writeFile(join(root, 'not-a-dir'), '');
    const broken = new ArtifactStorage({ basePath: join(root, 'not-a-dir'), advertisedAddress: 'x' });
    const error = await broken
      .archive(owner, 'r', await checkout({ a: 'a' }), { fileName: 'a.tar.gz' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageError);
    expect((error as StorageError).reason).toBe('StorageOperationFailed');
    expect((error as StorageError).message).toContain(join(root, 'not-a-dir'));
  });

  it('explains a full disk', () => {
    const full = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    const error = new StorageError('writing artifact', '/data/gitrepository/a/b/c.tar.gz', full);
    expect(error.message).toBe(
      "writing artifact '/data/gitrepository/a/b/c.tar.gz' failed: no space left on the storage volume (free space or enlarge the volume behind --storage-path)",
    );
    expect(error.code).toBe('ENOSPC');
  });
});

describe('garbage collection', () => {
  const dir = () => join(root, 'data/gitrepository/team-a/podinfo');
  const ageSeconds = async (name: string, seconds: number) => {
    const time = new Date(fixedNow.getTime() - seconds * 1000);
    await utimes(join(dir(), name), time, time);
  };
  async function files(names: Record<string, number>): Promise<void> {
    await mkdir(dir(), { recursive: true });
    for (const [name, age] of Object.entries(names)) {
      await writeFile(join(dir(), name), name);
      await ageSeconds(name, age);
    }
  }

  it('keeps the current artifact and the newest records within the TTL', async () => {
    await files({ 'a.tar.gz': 50, 'b.tar.gz': 40, 'c.tar.gz': 30, 'd.tar.gz': 20, 'current.tar.gz': 10 });
    const deleted = await storage.collectGarbage({ path: 'gitrepository/team-a/podinfo/current.tar.gz' });
    expect(deleted.map((path) => path.slice(dir().length + 1)).sort()).toEqual(['a.tar.gz', 'b.tar.gz', 'c.tar.gz']);
    expect((await readdir(dir())).sort()).toEqual(['current.tar.gz', 'd.tar.gz']);
  });

  it('deletes previous artifacts once they outlive the TTL but never the current one', async () => {
    await files({ 'old.tar.gz': 120, 'current.tar.gz': 300 });
    await storage.collectGarbage({ path: 'gitrepository/team-a/podinfo/current.tar.gz' });
    expect(await readdir(dir())).toEqual(['current.tar.gz']);
  });

  it('honours --artifact-retention-records and leaves links and fresh temporary files alone', async () => {
    const keepFive = new ArtifactStorage({
      basePath: join(root, 'data'),
      advertisedAddress: 'x',
      retentionRecords: 5,
      retentionTtlMs: 3_600_000,
      now: () => fixedNow,
    });
    await files({
      'a.tar.gz': 50,
      'b.tar.gz': 40,
      'current.tar.gz': 10,
      '.x.tar.gz.1.tmp': 5,
      '.y.tar.gz.2.tmp': 7200,
    });
    await storage.linkLatest({ path: 'gitrepository/team-a/podinfo/current.tar.gz' });
    await keepFive.collectGarbage({ path: 'gitrepository/team-a/podinfo/current.tar.gz' });
    expect((await readdir(dir())).sort()).toEqual([
      '.x.tar.gz.1.tmp',
      'a.tar.gz',
      'b.tar.gz',
      'current.tar.gz',
      'latest.tar.gz',
    ]);
  });

  it('does nothing for an object without artifacts', async () => {
    expect(await storage.collectGarbage({ path: 'gitrepository/none/none/x.tar.gz' })).toEqual([]);
  });
});
