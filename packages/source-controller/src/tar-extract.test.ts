import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { archiveDirectory } from './archive.ts';
import { extractTarGz, TarExtractError } from './tar-extract.ts';

let work = '';
let archive = '';
const longName = `${'deep/'.repeat(40)}file-${'x'.repeat(120)}.yaml`;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'tar-extract-test-'));
  const source = join(work, 'source');
  await mkdir(join(source, 'deploy', 'apps'), { recursive: true });
  await writeFile(join(source, 'README.md'), 'root');
  await writeFile(join(source, 'deploy', 'apps', 'app.yaml'), 'kind: Deployment\n');
  await writeFile(join(source, 'deploy', 'run.sh'), '#!/bin/sh\n', { mode: 0o755 });
  await mkdir(join(source, longName, '..'), { recursive: true });
  await writeFile(join(source, longName), 'long');
  archive = join(work, 'artifact.tar.gz');
  await archiveDirectory(source, archive);
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1))
    .sort();
}

describe('extractTarGz', () => {
  it('extracts every file of an artifact, long PAX names and executable bits included', async () => {
    const destination = join(work, 'all');
    expect(await extractTarGz(archive, destination)).toBe(4);
    expect(await filesUnder(destination)).toEqual(
      ['README.md', 'deploy/apps/app.yaml', 'deploy/run.sh', longName].sort(),
    );
    expect(await readFile(join(destination, longName), 'utf8')).toBe('long');
    expect((await stat(join(destination, 'deploy', 'run.sh'))).mode & 0o111).not.toBe(0);
  });

  it('extracts only fromPath, re-rooted at the destination', async () => {
    const destination = join(work, 'from-path');
    await extractTarGz(archive, destination, { fromPath: './deploy/' });
    expect(await filesUnder(destination)).toEqual(['apps/app.yaml', 'run.sh']);
  });

  it('refuses entries that would land outside the destination', async () => {
    const evil = join(work, 'evil');
    await mkdir(join(evil, 'inner'), { recursive: true });
    await writeFile(join(evil, 'escape.txt'), 'out');
    const evilArchive = join(work, 'evil.tar.gz');
    execFileSync('tar', ['-czPf', evilArchive, '-C', join(evil, 'inner'), '../escape.txt']);
    await expect(extractTarGz(evilArchive, join(work, 'evil-out'))).rejects.toThrow(TarExtractError);
    await expect(extractTarGz(archive, join(work, 'x'), { fromPath: '../..' })).rejects.toThrow(/leaves the archive/);
  });
});
