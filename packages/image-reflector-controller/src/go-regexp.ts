// Go (RE2) regular expressions as users write them in Flux specs, compiled for JavaScript: `(?P<name>...)` named
// groups and leading `(?i)`-style flags; Go's `Regexp.Expand` for `$name`, `${name}`, `$1` templates.

export class GoRegexpError extends Error {
  readonly pattern: string;
  constructor(pattern: string, detail: string) {
    super(`'${pattern}' is not a valid regular expression: ${detail}`);
    this.name = 'GoRegexpError';
    this.pattern = pattern;
  }
}

const leadingFlags = /^\(\?([imsU]+)\)/;

export function compileGoRegexp(pattern: string): RegExp {
  let source = pattern;
  let flags = '';
  const flagMatch = leadingFlags.exec(source);
  if (flagMatch) {
    if (flagMatch[1]!.includes('U'))
      throw new GoRegexpError(pattern, 'the U (ungreedy) flag has no JavaScript equivalent');
    flags = flagMatch[1]!; // i, m and s mean the same in both
    source = source.slice(flagMatch[0].length);
  }
  // RE2 `(?P<name>` is JavaScript's `(?<name>`; RE2 never allows lookaround, so nothing else is reinterpreted.
  source = source.replace(/\(\?P</g, '(?<');
  try {
    return new RegExp(source, flags);
  } catch (error) {
    throw new GoRegexpError(
      pattern,
      error instanceof Error ? error.message.replace(/^Invalid regular expression: /, '') : String(error),
    );
  }
}

/**
 * Go's `Regexp.ExpandString`: `$name` (the longest run of letters, digits and `_`), `${name}`, `$1`, `$$`; a group
 * that does not exist or did not take part expands to nothing.
 */
export function expandTemplate(template: string, match: RegExpExecArray): string {
  let result = '';
  for (let index = 0; index < template.length; index++) {
    const char = template[index]!;
    if (char !== '$') {
      result += char;
      continue;
    }
    const rest = template.slice(index + 1);
    if (rest.startsWith('$')) {
      result += '$';
      index += 1;
      continue;
    }
    const braced = /^\{([A-Za-z0-9_]+)\}/.exec(rest);
    const bare = braced ? undefined : /^[A-Za-z0-9_]+/.exec(rest);
    const name = braced?.[1] ?? bare?.[0];
    if (name === undefined) {
      // A lone `$` is kept in Go only when it cannot start a reference; it is dropped here as Go drops it.
      continue;
    }
    result += groupValue(match, name) ?? '';
    index += braced ? braced[0].length : name.length;
  }
  return result;
}

function groupValue(match: RegExpExecArray, name: string): string | undefined {
  if (/^[0-9]+$/.test(name)) return match[Number(name)];
  return match.groups?.[name];
}
