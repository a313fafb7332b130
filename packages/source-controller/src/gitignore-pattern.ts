// One line of gitignore syntax compiled to a matcher over slash-separated paths, scoped to the directory it came from.

export interface IgnorePattern {
  /** The line as written, for messages. */
  source: string;
  /** `!pattern`: a later match re-includes the path. */
  negated: boolean;
  /** `pattern/`: matches directories only. */
  directoryOnly: boolean;
  /** Path segments of the directory whose ignore file held the pattern ([] for the root). */
  domain: string[];
  /** Matches a path relative to the domain. */
  regex: RegExp;
}

/**
 * Parses one gitignore line; undefined for blank lines and comments.
 * `domain` is the directory (as path segments) the pattern is relative to.
 */
export function parseIgnorePattern(line: string, domain: readonly string[] = []): IgnorePattern | undefined {
  let text = stripTrailingSpaces(line.endsWith('\r') ? line.slice(0, -1) : line);
  if (text === '' || text.startsWith('#')) return undefined;
  let negated = false;
  if (text.startsWith('!')) {
    negated = true;
    text = text.slice(1);
  }
  let directoryOnly = false;
  if (text.endsWith('/') && !text.endsWith('\\/')) {
    directoryOnly = true;
    text = text.replace(/\/+$/, '');
  }
  if (text === '') return undefined;
  // A slash at the start or in the middle anchors the pattern to its domain; otherwise it matches at any depth.
  const anchored = text.includes('/');
  if (text.startsWith('/')) text = text.slice(1);
  const body = globToRegexSource(text);
  const regex = new RegExp(anchored ? `^${body}$` : `^(?:.*/)?${body}$`, 'u');
  return { source: line, negated, directoryOnly, domain: [...domain], regex };
}

/** Parses a whole ignore file (or `spec.ignore`), keeping the order: a later pattern overrides an earlier one. */
export function parseIgnoreText(text: string, domain: readonly string[] = []): IgnorePattern[] {
  const patterns: IgnorePattern[] = [];
  for (const line of text.split('\n')) {
    const pattern = parseIgnorePattern(line, domain);
    if (pattern) patterns.push(pattern);
  }
  return patterns;
}

/** Whether the pattern matches this path (segments from the root), not looking at parent directories. */
export function patternMatches(pattern: IgnorePattern, segments: readonly string[], isDirectory: boolean): boolean {
  if (pattern.directoryOnly && !isDirectory) return false;
  const { domain } = pattern;
  if (segments.length <= domain.length) return false;
  for (let i = 0; i < domain.length; i++) {
    if (segments[i] !== domain[i]) return false;
  }
  return pattern.regex.test(segments.slice(domain.length).join('/'));
}

// Trailing spaces are dropped unless the last one is escaped with a backslash.
function stripTrailingSpaces(text: string): string {
  let end = text.length;
  while (end > 0 && text[end - 1] === ' ') {
    if (end >= 2 && text[end - 2] === '\\') break;
    end--;
  }
  return text.slice(0, end);
}

function globToRegexSource(glob: string): string {
  const segments = glob.split('/');
  let regex = '';
  // Whether the next segment must be joined with a '/' (not after a `**/` that already ends in one).
  let needsSlash = false;
  segments.forEach((segment, index) => {
    const isFirst = index === 0;
    const isLast = index === segments.length - 1;
    if (segment === '**') {
      if (isFirst && isLast) regex += '.*';
      else if (isFirst) regex += '(?:.*/)?';
      else if (isLast) regex += '/.+';
      else regex += '/(?:.*/)?';
      needsSlash = false;
      return;
    }
    if (needsSlash) regex += '/';
    regex += segmentToRegexSource(segment);
    needsSlash = true;
  });
  return regex;
}

// One path segment: `*` and `?` never cross a '/', `[...]` is a character class, `\x` is a literal x.
function segmentToRegexSource(segment: string): string {
  let regex = '';
  for (let i = 0; i < segment.length; i++) {
    const char = segment[i]!;
    if (char === '\\' && i + 1 < segment.length) {
      regex += escapeRegex(segment[++i]!);
    } else if (char === '*') {
      while (segment[i + 1] === '*') i++;
      regex += '[^/]*';
    } else if (char === '?') {
      regex += '[^/]';
    } else if (char === '[') {
      const parsed = parseCharacterClass(segment, i);
      if (parsed) {
        regex += parsed.regex;
        i = parsed.end;
      } else {
        regex += '\\[';
      }
    } else {
      regex += escapeRegex(char);
    }
  }
  return regex;
}

function parseCharacterClass(segment: string, start: number): { regex: string; end: number } | undefined {
  let i = start + 1;
  let negated = false;
  if (segment[i] === '!' || segment[i] === '^') {
    negated = true;
    i++;
  }
  let body = '';
  // A ']' right after the opening bracket is a literal member.
  if (segment[i] === ']') {
    body += '\\]';
    i++;
  }
  for (; i < segment.length; i++) {
    const char = segment[i]!;
    if (char === ']') return { regex: `[${negated ? '^/' : ''}${body}]`, end: i };
    if (char === '\\' && i + 1 < segment.length) body += escapeClassMember(segment[++i]!);
    else if (char === '-') body += '-';
    else body += escapeClassMember(char);
  }
  return undefined;
}

function escapeRegex(char: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(char) ? `\\${char}` : char;
}

function escapeClassMember(char: string): string {
  return /[\]\\^[-]/.test(char) ? `\\${char}` : char;
}
