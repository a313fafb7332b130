// Writes plain values exactly as `kustomize build` prints them (go-yaml v2 over JSON): sorted keys, its quoting, 80-column folding.
import { compareGoYamlKeys } from './go-key-order.ts';
import { formatNumber } from './go-number-format.ts';
import { chooseScalarStyle, isBreak, isPrintable, isSimpleKey } from './scalar-style.ts';

const BEST_WIDTH = 80;

/** One document's text, ending in a newline, without a `---` separator. */
export function renderYamlDocument(value: unknown): string {
  const lines: string[] = [];
  if (isNonEmptyMap(value)) writeMapping(value, 0, lines, '');
  else if (isNonEmptySequence(value)) writeSequence(value, 0, lines, '');
  else lines.push(renderScalar(value, 0, 0, false));
  return `${lines.join('\n')}\n`;
}

/** Documents joined the way kustomize joins them. */
export function renderYamlStream(values: unknown[]): string {
  return values.map(renderYamlDocument).join('---\n');
}

function isNonEmptyMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length > 0;
}

function isNonEmptySequence(value: unknown): value is unknown[] {
  return Array.isArray(value) && value.length > 0;
}

function definedEntries(map: Record<string, unknown>): [string, unknown][] {
  return Object.entries(map)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => compareGoYamlKeys(a, b));
}

/** Writes a block mapping at `indent`; the first line starts with `firstPrefix` instead of spaces when given. */
function writeMapping(map: Record<string, unknown>, indent: number, lines: string[], firstPrefix: string): void {
  definedEntries(map).forEach(([key, value], index) => {
    const lead = index === 0 && firstPrefix !== '' ? firstPrefix : ' '.repeat(indent);
    if (!isSimpleKey(key)) {
      writeComplexEntry(key, value, indent, lines, lead);
      return;
    }
    const keyText = renderScalar(key, indent, lead.length, true);
    const head = `${lead}${keyText}:`;
    if (isNonEmptyMap(value)) {
      lines.push(head);
      writeMapping(value, indent + 2, lines, '');
    } else if (isNonEmptySequence(value)) {
      lines.push(head);
      writeSequence(value, indent, lines, '');
    } else {
      const column = codePointLength(head) + 1;
      lines.push(`${head} ${renderScalar(value, indent + 2, column, false)}`);
    }
  });
}

/** `? key` / `: value`, for keys that cannot be written as `key:`. */
function writeComplexEntry(key: string, value: unknown, indent: number, lines: string[], lead: string): void {
  lines.push(`${lead}? ${renderScalar(key, indent + 2, lead.length + 2, false)}`);
  const colon = `${' '.repeat(indent)}:`;
  if (isNonEmptyMap(value)) {
    lines.push(colon);
    writeMapping(value, indent + 2, lines, '');
  } else if (isNonEmptySequence(value)) {
    lines.push(colon);
    writeSequence(value, indent, lines, '');
  } else {
    lines.push(`${colon} ${renderScalar(value, indent + 2, indent + 2, false)}`);
  }
}

function writeSequence(items: unknown[], indent: number, lines: string[], firstPrefix: string): void {
  items.forEach((item, index) => {
    const lead = `${index === 0 && firstPrefix !== '' ? firstPrefix : ' '.repeat(indent)}- `;
    if (isNonEmptyMap(item)) writeMapping(item, indent + 2, lines, lead);
    else if (isNonEmptySequence(item)) writeSequence(item, indent + 2, lines, lead);
    else lines.push(`${lead}${renderScalar(item, indent + 2, codePointLength(lead), false)}`);
  });
}

function codePointLength(text: string): number {
  if (!/[\ud800-\udfff]/.test(text)) return text.length;
  let length = 0;
  for (const _ of text) length++;
  return length;
}

/** A scalar (or empty collection) starting at `column`; continuation lines are indented by `indent`. */
function renderScalar(value: unknown, indent: number, column: number, isKey: boolean): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number' || typeof value === 'bigint') return formatNumber(value);
  if (Array.isArray(value)) return '[]';
  if (typeof value === 'object') return '{}';
  const text = String(value);
  switch (chooseScalarStyle(text, isKey)) {
    case 'plain':
      return writePlain(text, indent, column, !isKey);
    case 'single':
      return writeSingleQuoted(text, indent, column, !isKey);
    case 'double':
      return writeDoubleQuoted(text, indent, column, !isKey);
    case 'literal':
      return writeLiteral(text, indent);
  }
}

type FoldRules = {
  /** Whether the line may break at the space at `index` (the width is checked separately). */
  canBreakAt: (chars: string[], index: number) => boolean;
  /** What a non-space character is written as. */
  encode: (char: string) => string;
  /** Written at the start of a continuation line. */
  continuation?: (chars: string[], index: number) => string;
};

/** The emitter's writing loop: breaks the line at a single space once past 80 columns, where the style allows. */
function writeFolded(
  text: string,
  indent: number,
  startColumn: number,
  allowBreaks: boolean,
  rules: FoldRules,
): string {
  const chars = Array.from(text);
  let out = '';
  let column = startColumn;
  let previousWasSpace = false;
  chars.forEach((char, index) => {
    if (char === ' ') {
      if (allowBreaks && !previousWasSpace && column > BEST_WIDTH && rules.canBreakAt(chars, index)) {
        const continuation = rules.continuation?.(chars, index) ?? '';
        out += `\n${' '.repeat(indent)}${continuation}`;
        column = indent + continuation.length;
      } else {
        out += char;
        column++;
      }
      previousWasSpace = true;
    } else {
      const encoded = rules.encode(char);
      out += encoded;
      column += encoded.length;
      previousWasSpace = false;
    }
  });
  return out;
}

const isInner = (chars: string[], index: number): boolean => index !== 0 && index !== chars.length - 1;

function writePlain(text: string, indent: number, startColumn: number, allowBreaks: boolean): string {
  // Plain text only ever breaks at a space.
  if (!text.includes(' ')) return text;
  return writeFolded(text, indent, startColumn, allowBreaks, {
    canBreakAt: (chars, index) => chars[index + 1] !== ' ',
    encode: (char) => char,
  });
}

function writeSingleQuoted(text: string, indent: number, startColumn: number, allowBreaks: boolean): string {
  const body = writeFolded(text, indent, startColumn + 1, allowBreaks, {
    canBreakAt: (chars, index) => isInner(chars, index) && chars[index + 1] !== ' ',
    encode: (char) => (char === "'" ? "''" : char),
  });
  return `'${body}'`;
}

const NAMED_ESCAPES: Record<number, string> = {
  0x00: '0',
  0x07: 'a',
  0x08: 'b',
  0x09: 't',
  0x0a: 'n',
  0x0b: 'v',
  0x0c: 'f',
  0x0d: 'r',
  0x1b: 'e',
  0x22: '"',
  0x5c: '\\',
  0x85: 'N',
  0xa0: '_',
  0x2028: 'L',
  0x2029: 'P',
};

function escapeCodePoint(codePoint: number): string {
  const named = NAMED_ESCAPES[codePoint];
  if (named !== undefined) return `\\${named}`;
  const hex = codePoint.toString(16).toUpperCase();
  if (codePoint <= 0xff) return `\\x${hex.padStart(2, '0')}`;
  if (codePoint <= 0xffff) return `\\u${hex.padStart(4, '0')}`;
  return `\\U${hex.padStart(8, '0')}`;
}

function writeDoubleQuoted(text: string, indent: number, startColumn: number, allowBreaks: boolean): string {
  // go-yaml checks for a byte-order mark at the start of the whole string, so one there escapes every character.
  const startsWithBom = text.startsWith('\ufeff');
  const body = writeFolded(text, indent, startColumn + 1, allowBreaks, {
    canBreakAt: isInner,
    continuation: (chars, index) => (chars[index + 1] === ' ' ? '\\' : ''),
    encode: (char) => {
      const codePoint = char.codePointAt(0) ?? 0;
      const escape = !isPrintable(codePoint) || startsWithBom || isBreak(codePoint) || char === '"' || char === '\\';
      return escape ? escapeCodePoint(codePoint) : char;
    },
  });
  return `"${body}"`;
}

function writeLiteral(text: string, indent: number): string {
  let header = '|';
  if (text.startsWith(' ') || isBreak(text.codePointAt(0))) header += '2';
  if (!text.endsWith('\n')) header += '-';
  else if (text === '\n' || text.endsWith('\n\n')) header += '+';
  const body = text.endsWith('\n') ? text.slice(0, -1) : text;
  const lines = body.split('\n').map((line) => (line === '' ? '' : `${' '.repeat(indent)}${line}`));
  return `${header}\n${lines.join('\n')}`;
}
