// Whoever clones the repository has only the repository: every relative link in its Markdown must land inside it.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const repoRoot = resolve(import.meta.dirname, '..');

function markdownFiles(): string[] {
  return execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '*.md'], {
    cwd: repoRoot,
    encoding: 'utf8',
  })
    .split('\n')
    .filter((path) => path !== '' && existsSync(resolve(repoRoot, path)));
}

/** `[text](target)` links that are not URLs or in-page anchors, with the anchor dropped. */
function relativeLinks(markdown: string): string[] {
  return [...markdown.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((match) => match[1]!.split('#')[0]!)
    .filter((target) => target !== '' && !/^[a-z][a-z0-9+.-]*:/i.test(target));
}

describe('Markdown links', () => {
  it('point at files inside the repository', () => {
    const files = markdownFiles();
    expect(files).toContain('docs/architecture.md');
    const broken: string[] = [];
    for (const file of files) {
      for (const target of relativeLinks(readFileSync(resolve(repoRoot, file), 'utf8'))) {
        const path = resolve(repoRoot, dirname(file), target);
        if (relative(repoRoot, path).startsWith('..') || !existsSync(path)) broken.push(`${file}: ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });
});
