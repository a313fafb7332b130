// `.sourceignore` semantics as Flux applies them when archiving a source: VCS files always out, default exclusions
// unless the user gave rules, `.sourceignore` files (root and nested) and `spec.ignore`, the last match winning.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type IgnorePattern, parseIgnoreText, patternMatches } from './gitignore-pattern.ts';

export const sourceIgnoreFileName = '.sourceignore';

// Flux's lists, as its GitRepository documentation names them.
export const vcsExclusions = ['.git/', '.gitignore', '.gitmodules', '.gitattributes'];
export const defaultExclusions = [
  // binary and media file extensions
  '*.jpg',
  '*.jpeg',
  '*.gif',
  '*.png',
  '*.wmv',
  '*.flv',
  '*.tar.gz',
  '*.zip',
  // CI configuration
  '.github/',
  '.circleci/',
  '.travis.yml',
  '.gitlab-ci.yml',
  'appveyor.yml',
  '.drone.yml',
  'cloudbuild.yaml',
  'codeship-services.yml',
  'codeship-steps.yml',
  // CLI configuration and Flux v1's config
  '**/.goreleaser.yml',
  '**/.sops.yaml',
  '**/.flux.yaml',
];

export class SourceIgnoreError extends Error {
  readonly reason = 'SourceIgnoreError';
  constructor(path: string, cause: unknown) {
    super(
      `failed to load source ignore patterns from '${path}': ${cause instanceof Error ? cause.message : String(cause)}`,
    );
    this.name = 'SourceIgnoreError';
  }
}

/** Decides which paths of a source tree stay out of its artifact. */
export class IgnoreMatcher {
  readonly patterns: readonly IgnorePattern[];

  constructor(patterns: readonly IgnorePattern[]) {
    this.patterns = patterns;
  }

  /**
   * Whether `path` (relative, '/'-separated) is excluded. As in Git, a path under an excluded directory stays
   * excluded even if a later pattern re-includes it.
   */
  excludes(path: string, isDirectory: boolean): boolean {
    const segments = path.split('/').filter((segment) => segment !== '' && segment !== '.');
    for (let depth = 1; depth < segments.length; depth++) {
      if (this.excludesOwnPath(segments.slice(0, depth), true)) return true;
    }
    return this.excludesOwnPath(segments, isDirectory);
  }

  /** The verdict of the last pattern matching the path itself, for walkers that already pruned excluded parents. */
  excludesOwnPath(segments: readonly string[], isDirectory: boolean): boolean {
    for (let i = this.patterns.length - 1; i >= 0; i--) {
      const pattern = this.patterns[i]!;
      if (patternMatches(pattern, segments, isDirectory)) return !pattern.negated;
    }
    return false;
  }
}

/**
 * Builds the matcher Flux would use: `.git` and friends always; then either the default exclusions (when neither
 * a `.sourceignore` file nor `spec.ignore` has a rule) or the user's rules, `spec.ignore` last so it wins.
 */
export function buildIgnoreMatcher(userPatterns: readonly IgnorePattern[]): IgnoreMatcher {
  const vcs = parseIgnoreText(vcsExclusions.join('\n'));
  const defaults = userPatterns.length === 0 ? parseIgnoreText(defaultExclusions.join('\n')) : [];
  return new IgnoreMatcher([...vcs, ...defaults, ...userPatterns]);
}

/** Reads every `.sourceignore` under `rootDir` (parents before children, siblings by name) and adds `spec.ignore`. */
export async function loadIgnoreMatcher(rootDir: string, specIgnore?: string): Promise<IgnoreMatcher> {
  const patterns = await loadSourceIgnoreFiles(rootDir);
  if (specIgnore !== undefined) patterns.push(...parseIgnoreText(specIgnore));
  return buildIgnoreMatcher(patterns);
}

export async function loadSourceIgnoreFiles(rootDir: string, domain: string[] = []): Promise<IgnorePattern[]> {
  const dir = join(rootDir, ...domain);
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    throw new SourceIgnoreError(dir, error);
  }
  const patterns: IgnorePattern[] = [];
  const ignoreFile = entries.find((entry) => entry.name === sourceIgnoreFileName && entry.isFile());
  if (ignoreFile) {
    const path = join(dir, sourceIgnoreFileName);
    try {
      patterns.push(...parseIgnoreText(await readFile(path, 'utf8'), domain));
    } catch (error) {
      throw new SourceIgnoreError(path, error);
    }
  }
  // Symlinked directories are not followed: they may point out of the checkout.
  const subdirectories = entries
    .filter((entry) => entry.isDirectory() && entry.name !== '.git')
    .map((entry) => entry.name)
    .sort(compareNames);
  for (const name of subdirectories) {
    patterns.push(...(await loadSourceIgnoreFiles(rootDir, [...domain, name])));
  }
  return patterns;
}

/** Byte-wise name order, the same on every machine and locale. */
export function compareNames(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
