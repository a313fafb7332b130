// `make help` is generated from the `## ` comment on each target's line: every target must have one.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const repoRoot = resolve(import.meta.dirname, '..');

/** The targets the Makefile defines: every rule's name and every name in .PHONY. */
async function definedTargets(): Promise<string[]> {
  const makefile = (await readFile(resolve(repoRoot, 'Makefile'), 'utf8')).replace(/\\\n/g, ' ');
  const phony = (/^\.PHONY:(.*)$/m.exec(makefile)?.[1] ?? '').trim().split(/\s+/);
  const rules = [...makefile.matchAll(/^([a-z][a-z0-9-]*)\s*:(?!=)/gm)].map((match) => match[1]!);
  return [...new Set([...phony, ...rules])];
}

describe('make help', () => {
  it('lists every target of the Makefile, each with a line of help', async () => {
    const targets = await definedTargets();
    expect(targets.length).toBeGreaterThan(10);
    const { stdout } = await run('make', ['--no-print-directory', 'help'], { cwd: repoRoot });
    const listed = stdout
      .trim()
      .split('\n')
      .map((line) => /^make (\S+)\s+(\S.*)$/.exec(line));
    expect(listed.every((match) => match !== null)).toBe(true);
    const byName = (a: string, b: string) => a.localeCompare(b);
    expect(listed.map((match) => match![1] ?? '').sort(byName)).toEqual([...targets].sort(byName));
  });
});
