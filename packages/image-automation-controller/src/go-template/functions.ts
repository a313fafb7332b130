// The functions a commit message template may call: Go's built-ins and the common Sprig string, list and hash
// functions Flux's documentation uses (lower, contains, toString, sha256sum, trunc, ...). Arguments come in Go's
// order, so a piped value arrives last (`.Name | trunc 7` is `trunc 7 .Name`).
import { createHash } from 'node:crypto';
import { formatValue, isTrue, lengthOf } from './format.ts';

export type TemplateFunction = (...args: unknown[]) => unknown;

const text = (value: unknown): string => (typeof value === 'string' ? value : formatValue(value));
const integer = (value: unknown): number => {
  const number = typeof value === 'number' ? value : Number(text(value));
  if (!Number.isFinite(number)) throw new Error(`${text(value)} is not a number`);
  return Math.trunc(number);
};
const list = (value: unknown): unknown[] => {
  if (Array.isArray(value)) return value;
  if (value instanceof Map) return [...value.values()];
  if (value === undefined || value === null) return [];
  throw new Error(`${text(value)} is not a list`);
};
const hash = (algorithm: string) => (value: unknown) => createHash(algorithm).update(text(value)).digest('hex');

const builtins: Record<string, TemplateFunction> = {
  not: (value) => !isTrue(value),
  len: (value) => {
    const length = lengthOf(value);
    if (length === undefined) throw new Error(`len of ${text(value)}`);
    return length;
  },
  index: (collection, ...keys) =>
    keys.reduce((value: unknown, key) => {
      if (value instanceof Map) return value.get(key);
      if (Array.isArray(value) || typeof value === 'string') return value[integer(key)];
      return undefined;
    }, collection),
  slice: (value, start, end) => {
    if (typeof value !== 'string' && !Array.isArray(value)) throw new Error(`can't slice ${text(value)}`);
    return value.slice(start === undefined ? 0 : integer(start), end === undefined ? undefined : integer(end));
  },
  print: (...args) => goPrint(args),
  println: (...args) => `${args.map(text).join(' ')}\n`,
  printf: (format, ...args) => sprintf(text(format), args),
  eq: (first, ...others) => others.some((other) => equal(first, other)),
  ne: (a, b) => !equal(a, b),
  lt: (a, b) => compare(a, b) < 0,
  le: (a, b) => compare(a, b) <= 0,
  gt: (a, b) => compare(a, b) > 0,
  ge: (a, b) => compare(a, b) >= 0,
  urlquery: (...args) => encodeURIComponent(args.map(text).join('')),
  html: (...args) =>
    args
      .map(text)
      .join('')
      .replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`),
  js: (...args) => JSON.stringify(args.map(text).join('')).slice(1, -1),
};

const sprig: Record<string, TemplateFunction> = {
  lower: (value) => text(value).toLowerCase(),
  upper: (value) => text(value).toUpperCase(),
  title: (value) => text(value).replace(/\b\p{L}/gu, (char) => char.toUpperCase()),
  trim: (value) => text(value).trim(),
  trimAll: (cut, value) => trimChars(text(value), text(cut)),
  trimPrefix: (prefix, value) =>
    text(value).startsWith(text(prefix)) ? text(value).slice(text(prefix).length) : text(value),
  trimSuffix: (suffix, value) =>
    text(suffix) !== '' && text(value).endsWith(text(suffix))
      ? text(value).slice(0, -text(suffix).length)
      : text(value),
  replace: (old, replacement, value) => text(value).split(text(old)).join(text(replacement)),
  contains: (part, value) => text(value).includes(text(part)),
  hasPrefix: (prefix, value) => text(value).startsWith(text(prefix)),
  hasSuffix: (suffix, value) => text(value).endsWith(text(suffix)),
  repeat: (count, value) => text(value).repeat(Math.max(0, integer(count))),
  substr: (start, end, value) => text(value).slice(integer(start), integer(end) < 0 ? undefined : integer(end)),
  trunc: (count, value) => {
    const n = integer(count);
    return n >= 0 ? text(value).slice(0, n) : text(value).slice(n);
  },
  nospace: (value) => text(value).replace(/\s+/g, ''),
  quote: (...values) => values.map((value) => JSON.stringify(text(value))).join(' '),
  squote: (...values) => values.map((value) => `'${text(value)}'`).join(' '),
  cat: (...values) =>
    values
      .filter((value) => value !== undefined && value !== null)
      .map(text)
      .join(' '),
  indent: (count, value) =>
    text(value)
      .split('\n')
      .map((line) => ' '.repeat(integer(count)) + line)
      .join('\n'),
  nindent: (count, value) =>
    `\n${text(value)
      .split('\n')
      .map((line) => ' '.repeat(integer(count)) + line)
      .join('\n')}`,
  toString: (value: unknown) => text(value),
  default: (fallback, value) => (isTrue(value) ? value : fallback),
  empty: (value) => !isTrue(value),
  coalesce: (...values) => values.find(isTrue),
  ternary: (yes, no, condition) => (isTrue(condition) ? yes : no),
  list: (...values) => values,
  join: (separator, values) => list(values).map(text).join(text(separator)),
  splitList: (separator, value) => text(value).split(text(separator)),
  first: (values) => list(values)[0],
  last: (values) => list(values).at(-1),
  uniq: (values) => [...new Set(list(values).map(text))],
  sortAlpha: (values) => list(values).map(text).sort(),
  has: (needle, values) => list(values).some((value) => equal(value, needle)),
  sha256sum: hash('sha256'),
  sha1sum: hash('sha1'),
  b64enc: (value) => Buffer.from(text(value)).toString('base64'),
  b64dec: (value) => Buffer.from(text(value), 'base64').toString('utf8'),
  toJson: (value) => JSON.stringify(value instanceof Map ? Object.fromEntries(value) : value) ?? 'null',
};

export const templateFunctions: Record<string, TemplateFunction> = { ...builtins, ...sprig };

/** The names of the supported functions, for the README and error messages. */
export const supportedFunctionNames: readonly string[] = Object.keys(templateFunctions).concat('and', 'or').sort();

function trimChars(value: string, cut: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && cut.includes(value[start]!)) start++;
  while (end > start && cut.includes(value[end - 1]!)) end--;
  return value.slice(start, end);
}

function equal(a: unknown, b: unknown): boolean {
  return a === b || (a === undefined && b === null) || (a === null && b === undefined);
}

function compare(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  throw new Error(`incompatible types for comparison: ${text(a)} and ${text(b)}`);
}

// Go's print adds a space between operands only when neither is a string.
function goPrint(args: unknown[]): string {
  let result = '';
  args.forEach((arg, index) => {
    if (index > 0 && typeof arg !== 'string' && typeof args[index - 1] !== 'string') result += ' ';
    result += text(arg);
  });
  return result;
}

/** fmt.Sprintf for the verbs messages use: %s %v %d %q %t %x %X %%, with an optional width. */
export function sprintf(format: string, args: unknown[]): string {
  let next = 0;
  return (
    format.replace(/%([-+ 0#]*)(\d*)([a-zA-Z%])/g, (whole, flags: string, width: string, verb: string) => {
      if (verb === '%') return '%';
      if (next >= args.length) return `%!${verb}(MISSING)`;
      const arg = args[next++];
      let out: string;
      switch (verb) {
        case 's':
        case 'v':
          out = text(arg);
          break;
        case 'd':
          out = String(integer(arg));
          break;
        case 'q':
          out = JSON.stringify(text(arg));
          break;
        case 't':
          out = String(isTrue(arg));
          break;
        case 'x':
        case 'X': {
          out = typeof arg === 'number' ? arg.toString(16) : Buffer.from(text(arg)).toString('hex');
          if (verb === 'X') out = out.toUpperCase();
          break;
        }
        default:
          return `%!${verb}(${text(arg)})`;
      }
      const size = Number(width || 0);
      if (out.length >= size) return out;
      return flags.includes('-') ? out.padEnd(size) : out.padStart(size, flags.includes('0') ? '0' : ' ');
    }) + (next < args.length ? `%!(EXTRA ${args.slice(next).map(text).join(', ')})` : '')
  );
}
