// Bash-style variable expansion as Flux's postBuild uses it: ${VAR}, $VAR, defaults, case, substrings, and $$ as an escape.

/** A variable used without a default is not set (strict mode), or an expression is malformed. */
export class EnvsubstError extends Error {
  override readonly name = 'EnvsubstError';
  /** The variable that was not set, when that is the failure. */
  readonly variable: string | undefined;
  constructor(message: string, variable?: string) {
    super(message);
    this.variable = variable;
  }
}

export interface EnvsubstOptions {
  /** Unset variables without a default are an error instead of the empty string. */
  strict: boolean;
}

type Lookup = (name: string) => string | undefined;

const nameStart = /[_A-Za-z]/;
const namePart = /[_A-Za-z0-9]/;

/** Expands every variable reference in `text`. */
export function envsubst(text: string, lookup: Lookup, options: EnvsubstOptions): string {
  let output = '';
  let index = 0;
  while (index < text.length) {
    const dollar = text.indexOf('$', index);
    if (dollar === -1) {
      output += text.slice(index);
      break;
    }
    output += text.slice(index, dollar);
    const next = text[dollar + 1];
    if (next === '$') {
      output += '$';
      index = dollar + 2;
    } else if (next === '{') {
      const close = matchingBrace(text, dollar + 1);
      if (close === -1)
        throw new EnvsubstError(`unclosed variable expression starting at "${text.slice(dollar, dollar + 20)}"`);
      output += expandExpression(text.slice(dollar + 2, close), lookup, options);
      index = close + 1;
    } else if (next !== undefined && (nameStart.test(next) || /[0-9]/.test(next))) {
      let end = dollar + 1;
      while (end < text.length && namePart.test(text[end] ?? '')) end++;
      output += valueOf(text.slice(dollar + 1, end), lookup, options);
      index = end;
    } else {
      output += '$';
      index = dollar + 1;
    }
  }
  return output;
}

function matchingBrace(text: string, open: number): number {
  let depth = 0;
  for (let index = open; index < text.length; index++) {
    if (text[index] === '{') depth++;
    else if (text[index] === '}' && --depth === 0) return index;
  }
  return -1;
}

function valueOf(name: string, lookup: Lookup, options: EnvsubstOptions): string {
  const value = lookup(name);
  if (value !== undefined) return value;
  if (options.strict) throw new EnvsubstError(`variable not set (strict mode): "${name}"`, name);
  return '';
}

function expandExpression(expression: string, lookup: Lookup, options: EnvsubstOptions): string {
  if (expression.startsWith('#') && expression.length > 1)
    return String(valueOf(expression.slice(1), lookup, options).length);
  let end = 0;
  while (end < expression.length && namePart.test(expression[end] ?? '')) end++;
  const name = expression.slice(0, end);
  if (name === '' || !nameStart.test(name[0] ?? '')) throw new EnvsubstError(`bad substitution: "\${${expression}}"`);
  const rest = expression.slice(end);
  const word = (from: number) => envsubst(rest.slice(from), lookup, options);
  const value = lookup(name);
  if (rest === '') return valueOf(name, lookup, options);
  if (rest.startsWith(':-') || rest.startsWith(':=')) return value === undefined || value === '' ? word(2) : value;
  if (rest.startsWith('-') || rest.startsWith('=')) return value === undefined ? word(1) : value;
  const current = valueOf(name, lookup, options);
  if (rest === '^^') return current.toUpperCase();
  if (rest === '^') return current.charAt(0).toUpperCase() + current.slice(1);
  if (rest === ',,') return current.toLowerCase();
  if (rest === ',') return current.charAt(0).toLowerCase() + current.slice(1);
  const substring = /^:(\d+)(?::(\d+))?$/.exec(rest);
  if (substring) {
    const start = Number(substring[1]);
    return substring[2] === undefined ? current.slice(start) : current.slice(start, start + Number(substring[2]));
  }
  if (rest.startsWith('##')) return removePrefix(current, word(2), true);
  if (rest.startsWith('#')) return removePrefix(current, word(1), false);
  if (rest.startsWith('%%')) return removeSuffix(current, word(2), true);
  if (rest.startsWith('%')) return removeSuffix(current, word(1), false);
  if (rest.startsWith('/')) return replace(current, rest.slice(1), lookup, options);
  throw new EnvsubstError(`bad substitution: "\${${expression}}"`);
}

function globToRegExp(pattern: string, greedy: boolean): string {
  return pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replaceAll('?', '.')
    .replaceAll('*', greedy ? '.*' : '.*?');
}

function removePrefix(value: string, pattern: string, longest: boolean): string {
  const match = new RegExp(`^${globToRegExp(pattern, longest)}`, 's').exec(value);
  return match ? value.slice(match[0].length) : value;
}

function removeSuffix(value: string, pattern: string, longest: boolean): string {
  // the shortest suffix is found by trying the latest start first
  for (
    let start = longest ? 0 : value.length;
    longest ? start <= value.length : start >= 0;
    start += longest ? 1 : -1
  ) {
    if (new RegExp(`^${globToRegExp(pattern, true)}$`, 's').test(value.slice(start))) return value.slice(0, start);
  }
  return value;
}

function replace(value: string, spec: string, lookup: Lookup, options: EnvsubstOptions): string {
  const all = spec.startsWith('/');
  const anchorStart = spec.startsWith('#');
  const anchorEnd = spec.startsWith('%');
  const body = all || anchorStart || anchorEnd ? spec.slice(1) : spec;
  const slash = body.indexOf('/');
  const pattern = envsubst(slash === -1 ? body : body.slice(0, slash), lookup, options);
  const replacement = slash === -1 ? '' : envsubst(body.slice(slash + 1), lookup, options);
  if (pattern === '') return value;
  const source = globToRegExp(pattern, true);
  const regex = new RegExp(anchorStart ? `^${source}` : anchorEnd ? `${source}$` : source, all ? 'gs' : 's');
  return value.replace(regex, () => replacement);
}
