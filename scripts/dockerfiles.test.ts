// Every controller image starts from one of the two bases `make images` builds, with one default base for
// `docker build` elsewhere, so the images cannot drift apart.
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const repoRoot = resolve(import.meta.dirname, '..');

async function controllerDockerfiles(): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (const pkg of await readdir(join(repoRoot, 'packages'))) {
    const dockerfile = await readFile(join(repoRoot, 'packages', pkg, 'Dockerfile'), 'utf8').catch(() => undefined);
    if (dockerfile !== undefined) found.set(pkg, dockerfile);
  }
  return found;
}

describe('Dockerfiles', () => {
  it('build FROM the one BASE argument, with the same default everywhere', async () => {
    const dockerfiles = await controllerDockerfiles();
    expect(dockerfiles.size).toBeGreaterThanOrEqual(2);
    const defaults = new Set<string>();
    for (const [pkg, dockerfile] of dockerfiles) {
      expect(
        [...dockerfile.matchAll(/^FROM\s+(\S+)/gm)].map((match) => match[1]),
        pkg,
      ).toEqual(['${BASE}']);
      defaults.add(/^ARG BASE=(\S+)$/m.exec(dockerfile)?.[1] ?? `${pkg}: no ARG BASE`);
    }
    expect([...defaults]).toEqual(['docker.io/library/node:24-bookworm-slim']);
  });

  it('name the base `make images` builds for them', async () => {
    for (const [pkg, dockerfile] of await controllerDockerfiles()) {
      expect(/^# fluxion-base: (base|base-git)$/m.exec(dockerfile)?.[1], pkg).toBeDefined();
    }
  });
});
