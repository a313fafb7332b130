import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseIgnorePattern, parseIgnoreText } from './gitignore-pattern.ts';
import { buildIgnoreMatcher, IgnoreMatcher, loadIgnoreMatcher } from './source-ignore.ts';

function matcherFor(rules: string): IgnoreMatcher {
  return new IgnoreMatcher(parseIgnoreText(rules));
}

// [rules, path, isDirectory, excluded]
const gitignoreTable: Array<[string, string, boolean, boolean]> = [
  // plain names match at any depth
  ['foo.txt', 'foo.txt', false, true],
  ['foo.txt', 'a/b/foo.txt', false, true],
  ['foo.txt', 'foo.txt.bak', false, false],
  // a leading slash anchors to the root
  ['/foo.txt', 'foo.txt', false, true],
  ['/foo.txt', 'a/foo.txt', false, false],
  // a middle slash anchors too
  ['doc/frotz', 'doc/frotz', false, true],
  ['doc/frotz', 'a/doc/frotz', false, false],
  // trailing slash: directories only, and everything below them
  ['build/', 'build', true, true],
  ['build/', 'build', false, false],
  ['build/', 'build/out/app.js', false, true],
  ['build/', 'src/build/x', false, true],
  // * and ? stay within one segment
  ['*.yaml', 'deploy/app.yaml', false, true],
  ['deploy/*.yaml', 'deploy/app.yaml', false, true],
  ['deploy/*.yaml', 'deploy/sub/app.yaml', false, false],
  ['file?.txt', 'file1.txt', false, true],
  ['file?.txt', 'file12.txt', false, false],
  // ** forms
  ['**/foo', 'foo', false, true],
  ['**/foo', 'a/b/foo', false, true],
  ['**/foo/bar', 'x/foo/bar', false, true],
  ['abc/**', 'abc/x/y', false, true],
  ['abc/**', 'abc', true, false],
  ['a/**/b', 'a/b', false, true],
  ['a/**/b', 'a/x/y/b', false, true],
  ['a/**/b', 'x/a/b', false, false],
  ['**', 'anything/at/all', false, true],
  // character classes
  ['[abc].txt', 'b.txt', false, true],
  ['[abc].txt', 'd.txt', false, false],
  ['[!abc].txt', 'd.txt', false, true],
  ['[a-c]x', 'bx', false, true],
  // negation: the last match wins
  ['*.yaml\n!keep.yaml', 'keep.yaml', false, false],
  ['*.yaml\n!keep.yaml', 'drop.yaml', false, true],
  ['!keep.yaml\n*.yaml', 'keep.yaml', false, true],
  // a file cannot be re-included when its parent directory is excluded
  ['secret/\n!secret/ok.txt', 'secret/ok.txt', false, true],
  // ...but excluding the contents and re-including one works
  ['/*\n!/deploy', 'deploy/app.yaml', false, false],
  ['/*\n!/deploy', 'README.md', false, true],
  // escaping
  ['\\#notacomment', '#notacomment', false, true],
  ['#comment', '#comment', false, false],
  ['\\!important', '!important', false, true],
  ['trailing\\ ', 'trailing ', false, true],
  ['trailing   ', 'trailing', false, true],
  ['star\\*', 'star*', false, true],
  ['star\\*', 'starx', false, false],
  // regex metacharacters are literal
  ['a+b(c).txt', 'a+b(c).txt', false, true],
  ['*.tar.gz', 'x.tar.gz', false, true],
  ['*.tar.gz', 'xtarxgz', false, false],
];

describe('gitignore matching', () => {
  it.each(gitignoreTable)('%j on %s (dir=%s) -> excluded=%s', (rules, path, isDirectory, excluded) => {
    expect(matcherFor(rules).excludes(path, isDirectory)).toBe(excluded);
  });

  it('skips blank lines and comments', () => {
    expect(parseIgnoreText('\n# a comment\n   \n*.md\r\n')).toHaveLength(1);
    expect(parseIgnorePattern('')).toBeUndefined();
  });

  it('scopes patterns of a nested ignore file to its directory', () => {
    const matcher = new IgnoreMatcher(parseIgnoreText('*.txt\n/local.yaml', ['apps']));
    expect(matcher.excludes('apps/notes.txt', false)).toBe(true);
    expect(matcher.excludes('apps/deep/notes.txt', false)).toBe(true);
    expect(matcher.excludes('notes.txt', false)).toBe(false);
    expect(matcher.excludes('apps/local.yaml', false)).toBe(true);
    expect(matcher.excludes('apps/deep/local.yaml', false)).toBe(false);
    expect(matcher.excludes('other/apps/notes.txt', false)).toBe(false);
  });
});

describe("Flux's default exclusions", () => {
  const defaults = buildIgnoreMatcher([]);
  it.each([
    ['.git', true, true],
    ['sub/.git', true, true],
    ['.gitignore', false, true],
    ['.gitmodules', false, true],
    ['.gitattributes', false, true],
    ['logo.png', false, true],
    ['img/photo.jpg', false, true],
    ['bundle.tar.gz', false, true],
    ['.github', true, true],
    ['.github/workflows/ci.yaml', false, true],
    ['.circleci', true, true],
    ['.travis.yml', false, true],
    ['x/.goreleaser.yml', false, true],
    ['.sops.yaml', false, true],
    ['.flux.yaml', false, true],
    ['deploy/app.yaml', false, false],
    ['.sourceignore', false, false],
  ])('%s (dir=%s) -> excluded=%s', (path, isDirectory, excluded) => {
    expect(defaults.excludes(path, isDirectory)).toBe(excluded);
  });

  it('drops the defaults (but never the VCS rules) once the user gives any rule', () => {
    const withUserRules = buildIgnoreMatcher(parseIgnoreText('*.md'));
    expect(withUserRules.excludes('logo.png', false)).toBe(false);
    expect(withUserRules.excludes('.github', true)).toBe(false);
    expect(withUserRules.excludes('README.md', false)).toBe(true);
    expect(withUserRules.excludes('.git', true)).toBe(true);
    expect(withUserRules.excludes('.gitignore', false)).toBe(true);
  });
});

describe('loading .sourceignore files and spec.ignore', () => {
  let root = '';
  afterEach(async () => {
    if (root) await rm(root, { recursive: true, force: true });
  });

  async function tree(files: Record<string, string>): Promise<string> {
    root = await mkdtemp(join(tmpdir(), 'sourceignore-'));
    for (const [path, content] of Object.entries(files)) {
      await mkdir(dirname(join(root, path)), { recursive: true });
      await writeFile(join(root, path), content);
    }
    return root;
  }

  it('applies root and nested files, each relative to its directory', async () => {
    const dir = await tree({
      '.sourceignore': '*.md\n/tmp/\n',
      'apps/.sourceignore': '/local.yaml\n!KEEP.md\n',
      'apps/local.yaml': '',
      'apps/KEEP.md': '',
      '.git/config': '',
    });
    const matcher = await loadIgnoreMatcher(dir);
    expect(matcher.excludes('README.md', false)).toBe(true);
    expect(matcher.excludes('apps/README.md', false)).toBe(true);
    expect(matcher.excludes('apps/KEEP.md', false)).toBe(false);
    expect(matcher.excludes('KEEP.md', false)).toBe(true);
    expect(matcher.excludes('apps/local.yaml', false)).toBe(true);
    expect(matcher.excludes('local.yaml', false)).toBe(false);
    expect(matcher.excludes('tmp', true)).toBe(true);
    // user rules replace the default exclusions
    expect(matcher.excludes('logo.png', false)).toBe(false);
  });

  it('lets spec.ignore overrule the .sourceignore files', async () => {
    const dir = await tree({ '.sourceignore': '*.md\n' });
    const matcher = await loadIgnoreMatcher(dir, '!README.md\n*.txt\n');
    expect(matcher.excludes('README.md', false)).toBe(false);
    expect(matcher.excludes('CHANGES.md', false)).toBe(true);
    expect(matcher.excludes('notes.txt', false)).toBe(true);
  });

  it("follows Flux's documented spec.ignore example", async () => {
    const dir = await tree({});
    const matcher = await loadIgnoreMatcher(
      dir,
      '# exclude all\n/*\n# include deploy dir\n!/deploy\n/deploy/**/*.md\n/deploy/**/*.txt\n',
    );
    expect(matcher.excludes('src/main.go', false)).toBe(true);
    expect(matcher.excludes('deploy', true)).toBe(false);
    expect(matcher.excludes('deploy/app.yaml', false)).toBe(false);
    expect(matcher.excludes('deploy/base/README.md', false)).toBe(true);
    expect(matcher.excludes('deploy/notes.txt', false)).toBe(true);
  });

  it('uses the defaults when the repository has no rules', async () => {
    const dir = await tree({ 'a.yaml': '' });
    const matcher = await loadIgnoreMatcher(dir);
    expect(matcher.excludes('logo.png', false)).toBe(true);
  });
});
