// `make help` is generated from the `## ` comment on each target's line: every target must have one.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const repoRoot = resolve(import.meta.dirname, '..');

async function phonyTargets(): Promise<string[]> {
  const makefile = (await readFile(resolve(repoRoot, 'Makefile'), 'utf8')).replace(/\\\n/g, ' ');
  const phony = /^\.PHONY:(.*)$/m.exec(makefile)?.[1] ?? '';
  return phony.trim().split(/\s+/);
}

describe('make help', () => {
  it('lists every target of the Makefile, each with a line of help', async () => {
    const targets = await phonyTargets();
    expect(targets.length).toBeGreaterThan(10);
    const { stdout } = await run('make', ['--no-print-directory', 'help'], { cwd: repoRoot });
    const listed = stdout.trim().split('\n').map((line) => /^make (\S+)\s+(\S.*)$/.exec(line));
    expect(listed.every((match) => match !== null)).toBe(true);
    expect(listed.map((match) => match![1]).sort()).toEqual([...targets].sort());
  });
});
