import { execFileSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { archiveDirectory } from './archive.ts';
import { loadIgnoreMatcher } from './source-ignore.ts';
import { StorageError } from './storage-error.ts';

let workDir = '';
beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'archive-test-'));
});
afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

let counter = 0;
async function makeTree(
  files: Record<string, string | Buffer>,
  options: { fileMode?: number; mtime?: Date } = {},
): Promise<string> {
  const root = join(workDir, `tree-${counter++}`);
  await mkdir(root, { recursive: true });
  for (const [path, content] of Object.entries(files)) {
    const full = join(root, path);
    if (path.endsWith('/')) {
      await mkdir(full, { recursive: true });
      continue;
    }
    await mkdir(dirname(full), { recursive: true });
    await writeFile(full, content);
    if (options.fileMode !== undefined) await chmod(full, options.fileMode);
    if (options.mtime) await utimes(full, options.mtime, options.mtime);
  }
  return root;
}

function outFile(name: string): string {
  return join(workDir, `${name}-${counter++}.tar.gz`);
}

function extract(archive: string): string {
  const target = join(workDir, `extract-${counter++}`);
  execFileSync('mkdir', ['-p', target]);
  execFileSync('tar', ['-xzf', archive, '-C', target]);
  return target;
}

function listVerbose(archive: string): string[] {
  return execFileSync('tar', ['--numeric-owner', '--full-time', '-tvzf', archive], { encoding: 'utf8' })
    .trim()
    .split('\n');
}

const sampleFiles = {
  'deploy/app.yaml': 'kind: Deployment\n',
  'deploy/base/kustomization.yaml': 'resources: []\n',
  'README.md': '# sample\n',
  'scripts/run.sh': '#!/bin/sh\necho hi\n',
  'z-last.txt': 'z',
  'a.txt': 'a',
};

describe('archiveDirectory', () => {
  it('gives the same digest for the same content whatever the mtimes, permissions and directory', async () => {
    const first = await makeTree(sampleFiles, { fileMode: 0o600, mtime: new Date('2001-01-01T00:00:00Z') });
    const second = await makeTree(sampleFiles, { fileMode: 0o664, mtime: new Date('2024-06-01T12:34:56Z') });
    await utimes(join(second, 'deploy'), new Date(), new Date('2010-01-01'));
    const a = await archiveDirectory(first, outFile('a'));
    const b = await archiveDirectory(second, outFile('b'));
    expect(a.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(b.digest).toBe(a.digest);
    expect(b.size).toBe(a.size);
  });

  it('produces a fixed digest for a fixed tree, so it is equal on every machine', async () => {
    const root = await makeTree({ 'a.txt': 'a\n', 'dir/b.yaml': 'b: 1\n', 'empty/': '' });
    const result = await archiveDirectory(root, outFile('golden'));
    // Pinned: a change here means artifacts built by different versions or machines would differ.
    expect(result).toEqual({
      digest: 'sha256:5be4f443f66858b64080be997e428a4f1b7affdd954d033c5d3e395e25daa3b5',
      size: 174,
    });
  });

  it('changes the digest when content changes', async () => {
    const a = await archiveDirectory(await makeTree({ 'x.yaml': 'a: 1\n' }), outFile('x1'));
    const b = await archiveDirectory(await makeTree({ 'x.yaml': 'a: 2\n' }), outFile('x2'));
    expect(b.digest).not.toBe(a.digest);
  });

  it('reports the size and digest of the file it wrote', async () => {
    const file = outFile('size');
    const result = await archiveDirectory(await makeTree(sampleFiles), file);
    const bytes = await readFile(file);
    expect(result.size).toBe(bytes.length);
    const { createHash } = await import('node:crypto');
    expect(result.digest).toBe(`sha256:${createHash('sha256').update(bytes).digest('hex')}`);
  });

  it('writes a gzip header without name or mtime', async () => {
    const file = outFile('header');
    await archiveDirectory(await makeTree({ 'a.txt': 'a' }), file);
    const bytes = await readFile(file);
    expect([...bytes.subarray(0, 10)]).toEqual([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0xff]);
  });

  it('extracts with system tar to the same files, with sorted, owner-less, zero-mtime, normalized entries', async () => {
    const root = await makeTree(sampleFiles, { fileMode: 0o640 });
    await chmod(join(root, 'scripts/run.sh'), 0o700);
    const file = outFile('extract');
    await archiveDirectory(root, file);
    const target = extract(file);
    for (const [path, content] of Object.entries(sampleFiles)) {
      expect(await readFile(join(target, path), 'utf8')).toBe(content);
    }
    const listing = listVerbose(file);
    const names = listing.map((line) => line.split(/\s+/).at(-1));
    expect(names).toEqual([
      'README.md',
      'a.txt',
      'deploy/',
      'deploy/app.yaml',
      'deploy/base/',
      'deploy/base/kustomization.yaml',
      'scripts/',
      'scripts/run.sh',
      'z-last.txt',
    ]);
    for (const line of listing) {
      const [mode, owner, , date, time] = line.split(/\s+/);
      expect(owner).toBe('0/0');
      expect(`${date} ${time}`).toBe('1970-01-01 00:00:00');
      const name = line.split(/\s+/).at(-1)!;
      const expectedMode = name.endsWith('/') ? 'drwxr-xr-x' : name.endsWith('.sh') ? '-rwxr-xr-x' : '-rw-r--r--';
      expect(mode).toBe(expectedMode);
    }
  });

  it('keeps empty directories', async () => {
    const file = outFile('empty');
    await archiveDirectory(await makeTree({ 'keep/empty/': '', 'f.txt': 'f' }), file);
    const target = extract(file);
    expect((await stat(join(target, 'keep/empty'))).isDirectory()).toBe(true);
    expect(await readdir(join(target, 'keep/empty'))).toEqual([]);
  });

  it('stores long and non-ASCII paths that system tar restores', async () => {
    const mid = `${'d'.repeat(90)}/${'e'.repeat(90)}/file-${'f'.repeat(60)}.yaml`; // > 100, fits ustar prefix
    const huge = `${'g'.repeat(120)}/${'h'.repeat(120)}/${'i'.repeat(120)}.yaml`; // > 256, needs PAX
    const longName = `${'n'.repeat(150)}.yaml`; // one segment > 100, needs PAX
    const unicode = 'déploiement/配置.yaml';
    const files = { [mid]: 'mid', [huge]: 'huge', [longName]: 'long', [unicode]: 'unicode' };
    const file = outFile('long');
    await archiveDirectory(await makeTree(files), file);
    const target = extract(file);
    for (const [path, content] of Object.entries(files)) {
      expect(await readFile(join(target, path), 'utf8')).toBe(content);
    }
  });

  it('streams files larger than its buffers byte for byte', async () => {
    const big = Buffer.alloc(3 * 1024 * 1024 + 123);
    for (let i = 0; i < big.length; i++) big[i] = (i * 7919) % 251;
    const file = outFile('big');
    await archiveDirectory(await makeTree({ 'big.bin': big, 'small.txt': 's' }), file);
    const target = extract(file);
    expect((await readFile(join(target, 'big.bin'))).equals(big)).toBe(true);
    expect(gunzipSync(await readFile(file)).length % 512).toBe(0);
  });

  it('leaves out .git at any depth and symlinks, never following them out of the tree', async () => {
    const outside = await makeTree({ 'secret.txt': 'do not ship' });
    const root = await makeTree({
      '.git/config': 'x',
      'sub/.git': 'gitdir: ../.git/modules/sub',
      'sub/a.yaml': 'a',
      'real.yaml': 'r',
    });
    await symlink(join(outside, 'secret.txt'), join(root, 'escape.txt'));
    await symlink(outside, join(root, 'escape-dir'));
    await symlink('real.yaml', join(root, 'inside-link.yaml'));
    const file = outFile('links');
    await archiveDirectory(root, file);
    const names = listVerbose(file).map((line) => line.split(/\s+/).at(-1));
    expect(names).toEqual(['real.yaml', 'sub/', 'sub/a.yaml']);
  });

  it('applies an exclude filter and does not descend into excluded directories', async () => {
    const root = await makeTree({
      '.sourceignore': '/tmp/\n*.md\n',
      'tmp/cache.yaml': 'c',
      'README.md': 'r',
      'deploy/app.yaml': 'a',
      'deploy/NOTES.md': 'n',
    });
    const matcher = await loadIgnoreMatcher(root);
    const seen: string[] = [];
    const file = outFile('filtered');
    await archiveDirectory(root, file, {
      exclude: (path, isDirectory) => {
        seen.push(path);
        return matcher.excludes(path, isDirectory);
      },
    });
    const names = listVerbose(file).map((line) => line.split(/\s+/).at(-1));
    expect(names).toEqual(['.sourceignore', 'deploy/', 'deploy/app.yaml']);
    expect(seen).not.toContain('tmp/cache.yaml');
  });

  it('fails with StorageOperationFailed, leaving no partial file, when the source is missing', async () => {
    const destination = outFile('missing');
    const error = await archiveDirectory(join(workDir, 'does-not-exist'), destination).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageError);
    expect((error as StorageError).reason).toBe('StorageOperationFailed');
    expect((error as StorageError).message).toContain('does-not-exist');
    await expect(stat(destination)).rejects.toThrow();
  });

  it('names the destination and leaves no temporary file when it cannot write', async () => {
    const root = await makeTree({ 'a.txt': 'a' });
    const destination = join(workDir, `gone-${counter++}`, 'out.tar.gz');
    const error = await archiveDirectory(root, destination).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageError);
    expect((error as StorageError).code).toBe('ENOENT');
    expect((error as StorageError).message).toContain(destination);
  });
});
