// Every controller image starts from one base, so they cannot drift apart (the images issue may change which).
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const repoRoot = resolve(import.meta.dirname, '..');

describe('Dockerfiles', () => {
  it('use the same base image in every stage', async () => {
    const bases = new Map<string, string[]>();
    for (const pkg of await readdir(join(repoRoot, 'packages'))) {
      const dockerfile = await readFile(join(repoRoot, 'packages', pkg, 'Dockerfile'), 'utf8').catch(() => undefined);
      if (dockerfile === undefined) continue;
      const froms = [...dockerfile.matchAll(/^FROM\s+(\S+)/gm)].map((match) => match[1]!).filter((image) => !/^[a-z-]+$/.test(image));
      bases.set(pkg, froms);
    }
    expect(bases.size).toBeGreaterThanOrEqual(2);
    const all = new Set([...bases.values()].flat());
    expect([...all], JSON.stringify(Object.fromEntries(bases))).toHaveLength(1);
  });
});
