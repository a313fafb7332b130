import { lstat, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tarArchive } from '@fluxion/testenv';
import { normalizeEntryPath, untar, UnsafeArchiveError } from './safe-untar.ts';

describe('untar', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'untar-test-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('writes files and directories, normalizing ./ prefixes', async () => {
    const archive = tarArchive([
      { path: './apps/' },
      { path: './apps/web.yaml', content: 'kind: A\n' },
      { path: 'top.yaml', content: 'x' },
    ]);
    const result = await untar(archive, dir, { maxTotalBytes: 1024 });
    expect(result).toEqual({ files: 2, directories: 1, skipped: [] });
    expect(await readFile(join(dir, 'apps/web.yaml'), 'utf8')).toBe('kind: A\n');
  });

  it('leaves symlinks and hard links out instead of following them', async () => {
    const archive = tarArchive([
      { path: 'link', type: '2', linkName: '/etc/passwd' },
      { path: 'hard', type: '1', linkName: 'top.yaml' },
      { path: 'top.yaml', content: 'x' },
    ]);
    const result = await untar(archive, dir, { maxTotalBytes: 1024 });
    expect(result.skipped).toEqual(["link (tar type '2')", "hard (tar type '1')"]);
    expect((await readdir(dir)).sort()).toEqual(['top.yaml']);
    expect((await lstat(join(dir, 'top.yaml'))).isFile()).toBe(true);
  });

  it('refuses entries that would land outside the directory', async () => {
    await expect(
      untar(tarArchive([{ path: '../evil.yaml', content: 'x' }]), dir, { maxTotalBytes: 1024 }),
    ).rejects.toThrow(/contains '\.\.'/);
    await expect(
      untar(tarArchive([{ path: 'a/../../evil', content: 'x' }]), dir, { maxTotalBytes: 1024 }),
    ).rejects.toThrow(UnsafeArchiveError);
    await expect(
      untar(tarArchive([{ path: '/etc/evil', content: 'x' }]), dir, { maxTotalBytes: 1024 }),
    ).rejects.toThrow(/absolute path/);
    // a PAX header may carry the real name: it is checked the same way
    const pax = '27 path=../../pax-escape\n';
    await expect(
      untar(
        tarArchive([
          { path: 'PaxHeader', type: 'x', content: pax },
          { path: 'innocent', content: 'x' },
        ]),
        dir,
        { maxTotalBytes: 1024 },
      ),
    ).rejects.toThrow(/contains '\.\.'/);
    expect(await readdir(dir)).toEqual([]);
  });

  it('takes long names from PAX headers', async () => {
    const long = `${'d'.repeat(120)}/file.yaml`;
    const record = ` path=${long}\n`;
    const length = record.length + String(record.length + 3).length;
    const archive = tarArchive([
      { path: 'PaxHeader', type: 'x', content: `${length}${record}` },
      { path: 'short', content: 'x' },
    ]);
    await untar(archive, dir, { maxTotalBytes: 1024 });
    expect(await readFile(join(dir, long), 'utf8')).toBe('x');
  });

  it('stops at the size limit', async () => {
    const archive = tarArchive([
      { path: 'a', content: 'x'.repeat(600) },
      { path: 'b', content: 'x'.repeat(600) },
    ]);
    await expect(untar(archive, dir, { maxTotalBytes: 1000 })).rejects.toThrow(/more than the 1000 bytes/);
  });

  it('rejects data that is not a tar archive', async () => {
    await expect(untar(Buffer.alloc(1024, 7), dir, { maxTotalBytes: 1024 })).rejects.toThrow(/bad checksum/);
  });
});

describe('normalizeEntryPath', () => {
  it('cleans harmless forms', () => {
    expect(normalizeEntryPath('./a//b/')).toBe('a/b');
    expect(normalizeEntryPath('./')).toBe('');
  });
});
