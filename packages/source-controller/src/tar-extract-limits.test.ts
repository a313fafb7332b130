// extractTarGz's guards for archives from outside (OCI layers): links out of the root and a byte limit.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tarGz, type TarGzEntry } from '@fluxion/testenv';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { extractTarGz } from './tar-extract.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tar-limits-'));
});
afterEach(async () => rm(dir, { recursive: true, force: true }));

async function extract(entries: TarGzEntry[], options: Parameters<typeof extractTarGz>[2]) {
  const archive = join(dir, 'layer.tar.gz');
  await writeFile(archive, tarGz(entries));
  return extractTarGz(archive, join(dir, 'out'), options);
}

describe('extractTarGz limits', () => {
  it('refuses symlinks and hard links that leave the root, naming the label', async () => {
    const options = { refuseEscapingLinks: true, label: 'https://registry/v2/app/blobs/sha256:1' };
    await expect(extract([{ path: 'a/link', type: 'symlink', target: '../../etc' }], options)).rejects.toThrow(
      "extracting 'https://registry/v2/app/blobs/sha256:1' failed: entry 'a/link' links to '../../etc', outside the archive",
    );
    await expect(extract([{ path: 'link', type: 'symlink', target: '/etc/passwd' }], options)).rejects.toThrow(
      'outside the archive',
    );
    await expect(extract([{ path: 'a/hard', type: 'hardlink', target: '../x' }], options)).rejects.toThrow(
      'outside the archive',
    );
  });

  it('skips links that stay inside, and files when not asked to refuse', async () => {
    const files = await extract(
      [
        { path: 'a/b.yaml', content: 'b' },
        { path: 'a/link', type: 'symlink', target: '../a/b.yaml' },
      ],
      { refuseEscapingLinks: true },
    );
    expect(files).toBe(1);
    expect(await readFile(join(dir, 'out', 'a', 'b.yaml'), 'utf8')).toBe('b');
    expect(await extract([{ path: 'link', type: 'symlink', target: '/etc/passwd' }], {})).toBe(0);
  });

  it('stops once the files add up past maxBytes', async () => {
    await expect(
      extract(
        [
          { path: 'a', content: 'x'.repeat(600) },
          { path: 'b', content: 'y'.repeat(600) },
        ],
        { maxBytes: 1000 },
      ),
    ).rejects.toThrow("unpacks past the size limit of 1000 bytes (at 'b')");
    expect(await extract([{ path: 'a', content: 'x'.repeat(600) }], { maxBytes: 1000 })).toBe(1);
  });
});
