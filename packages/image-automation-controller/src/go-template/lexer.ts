// Splits a Go text/template into text and action tokens (with `{{-`/`-}}` trimming) and an action into its words.

export class TemplateError extends Error {
  readonly reason = 'InvalidCommitTemplate';
  constructor(message: string) {
    super(message);
    this.name = 'TemplateError';
  }
}

export type Piece = { kind: 'text'; text: string } | { kind: 'action'; source: string; line: number };

export function splitTemplate(template: string): Piece[] {
  const pieces: Piece[] = [];
  let position = 0;
  let trimNext = false;
  while (position <= template.length) {
    const open = template.indexOf('{{', position);
    let text = template.slice(position, open < 0 ? template.length : open);
    if (trimNext) text = text.replace(/^\s+/, '');
    if (open < 0) {
      if (text) pieces.push({ kind: 'text', text });
      break;
    }
    const trimBefore = /^\{\{-\s/.test(template.slice(open, open + 4));
    if (trimBefore) text = text.replace(/\s+$/, '');
    if (text) pieces.push({ kind: 'text', text });
    const close = findClose(template, open + 2);
    if (close < 0) throw new TemplateError(`line ${lineAt(template, open)}: unclosed action`);
    const trimAfter = close > open + 2 && /\s-$/.test(template.slice(close - 2, close));
    const source = template.slice(open + (trimBefore ? 3 : 2), trimAfter ? close - 1 : close).trim();
    if (!(source.startsWith('/*') && source.endsWith('*/')))
      pieces.push({ kind: 'action', source, line: lineAt(template, open) });
    trimNext = trimAfter;
    position = close + 2;
  }
  return pieces;
}

// The `}}` that ends the action, skipping quoted strings that may contain one.
function findClose(template: string, from: number): number {
  let index = from;
  while (index < template.length) {
    const char = template[index]!;
    if (char === '"' || char === '`') {
      index = endOfQuoted(template, index);
      continue;
    }
    if (template.startsWith('}}', index)) return index;
    index++;
  }
  return -1;
}

function endOfQuoted(text: string, start: number): number {
  const quote = text[start]!;
  let index = start + 1;
  while (index < text.length && text[index] !== quote) index += quote === '"' && text[index] === '\\' ? 2 : 1;
  return index + 1;
}

function lineAt(text: string, offset: number): number {
  return text.slice(0, offset).split('\n').length;
}

export type Token =
  | { kind: 'field'; names: string[] }
  | { kind: 'variable'; name: string; names: string[] }
  | { kind: 'dot' }
  | { kind: 'identifier'; name: string }
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'bool'; value: boolean }
  | { kind: 'nil' }
  | { kind: 'punct'; value: '|' | '(' | ')' | ':=' | '=' | ',' }
  | { kind: 'chain'; names: string[] };

const word = /[A-Za-z_][A-Za-z0-9_]*/y;

export function tokenize(source: string, line: number): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  const fail = (what: string) => new TemplateError(`line ${line}: ${what} in '${source}'`);
  const fieldChain = (): string[] => {
    const names: string[] = [];
    while (source[index] === '.' && /[A-Za-z_]/.test(source[index + 1] ?? '')) {
      word.lastIndex = index + 1;
      const name = word.exec(source)![0];
      names.push(name);
      index += 1 + name.length;
    }
    return names;
  };
  while (index < source.length) {
    const char = source[index]!;
    if (/\s/.test(char)) {
      index++;
    } else if (char === '"' || char === '`') {
      const end = endOfQuoted(source, index);
      if (end > source.length) throw fail('unterminated string');
      const raw = source.slice(index, end);
      tokens.push({ kind: 'string', value: char === '`' ? raw.slice(1, -1) : unquote(raw, fail) });
      index = end;
    } else if (char === '.') {
      if (/[A-Za-z_]/.test(source[index + 1] ?? '')) {
        // `(pipeline).Field`: a chain on what the parentheses produced
        const afterParenthesis = source[index - 1] === ')';
        const names = fieldChain();
        tokens.push(afterParenthesis ? { kind: 'chain', names } : { kind: 'field', names });
      } else {
        tokens.push({ kind: 'dot' });
        index++;
      }
    } else if (char === '$') {
      word.lastIndex = index + 1;
      const name = word.exec(source)?.[0] ?? '';
      index += 1 + name.length;
      tokens.push({ kind: 'variable', name: `$${name}`, names: fieldChain() });
    } else if (source.startsWith(':=', index)) {
      tokens.push({ kind: 'punct', value: ':=' });
      index += 2;
    } else if ('|(),='.includes(char)) {
      tokens.push({ kind: 'punct', value: char as '|' | '(' | ')' | ',' | '=' });
      index++;
    } else if (/[-+0-9]/.test(char)) {
      const match = /[-+]?(0x[0-9a-fA-F]+|[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?)/y;
      match.lastIndex = index;
      const number = match.exec(source);
      if (!number) throw fail(`unexpected '${char}'`);
      tokens.push({ kind: 'number', value: Number(number[0]) });
      index += number[0].length;
    } else if (/[A-Za-z_]/.test(char)) {
      word.lastIndex = index;
      const name = word.exec(source)![0];
      index += name.length;
      if (name === 'true' || name === 'false') tokens.push({ kind: 'bool', value: name === 'true' });
      else if (name === 'nil') tokens.push({ kind: 'nil' });
      else tokens.push({ kind: 'identifier', name });
    } else {
      throw fail(`unexpected '${char}'`);
    }
  }
  return tokens;
}

function unquote(raw: string, fail: (what: string) => Error): string {
  try {
    return JSON.parse(
      raw
        .replace(/\\x([0-9a-fA-F]{2})/g, '\\u00$1')
        .replace(/\\a/g, '\\u0007')
        .replace(/\\v/g, '\\u000b'),
    ) as string;
  } catch {
    throw fail(`bad string ${raw}`);
  }
}
