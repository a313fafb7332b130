// Every executable under packages/*/bin starts from a plain shell, whatever `node` the PATH holds.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const repoRoot = resolve(import.meta.dirname, '..');

async function listBins(): Promise<string[]> {
  const bins: string[] = [];
  for (const pkg of await readdir(join(repoRoot, 'packages'))) {
    const names = await readdir(join(repoRoot, 'packages', pkg, 'bin')).catch(() => []);
    bins.push(...names.map((name) => join(repoRoot, 'packages', pkg, 'bin', name)));
  }
  return bins;
}

/** A directory whose `node` acts as Node 20 does: it reports its version and cannot run a .ts file. */
async function pathWithNode(version: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'old-node-'));
  const oldNode = `#!/bin/sh\n[ "$1" = --version ] && { echo v${version}; exit 0; }\necho 'TypeError [ERR_UNKNOWN_FILE_EXTENSION]' >&2\nexit 1\n`;
  await writeFile(join(dir, 'node'), oldNode, { mode: 0o755 });
  for (const tool of ['sh', 'dirname', 'readlink', 'basename']) {
    await symlink(`/usr/bin/${tool}`, join(dir, tool)).catch(() => symlink(`/bin/${tool}`, join(dir, tool)));
  }
  return dir;
}

async function runBin(bin: string, env: NodeJS.ProcessEnv, args: string[]) {
  try {
    const { stdout, stderr } = await run(bin, args, { env, timeout: 20_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

describe('bin launchers', async () => {
  const bins = await listBins();

  it('finds every package executable', () => {
    expect(bins.length).toBeGreaterThanOrEqual(4);
  });

  it.each(bins)('%s runs --help on Node 24 even when PATH holds Node 20', async (bin) => {
    const env = { HOME: '/nonexistent', FLUXION_NODE: process.execPath, PATH: await pathWithNode('20.20.2') };
    const result = await runBin(bin, env, ['--help']);
    expect(result.stderr).not.toMatch(/ERR_UNKNOWN_FILE_EXTENSION|SyntaxError|ERR_MODULE_NOT_FOUND/);
    expect(result.stderr).not.toMatch(/needs Node.js 24/);
  });

  it.each(bins)('%s says in one line what to run when no Node 24 is found', async (bin) => {
    const env = { HOME: '/nonexistent', FLUXION_CACHE: '/nonexistent', PATH: await pathWithNode('20.20.2') };
    const result = await runBin(bin, env, ['--help']);
    expect(result.code).toBe(127);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/needs Node.js 24 or newer .* run `make setup`/);
  });
});
