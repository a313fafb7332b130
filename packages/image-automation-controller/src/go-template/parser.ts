// Parses the pieces of a Go text/template into a tree: text, output actions, if/else if/else, range (with its
// variables and else), with, variable declarations and assignments, break and continue.
import { type Piece, splitTemplate, TemplateError, type Token, tokenize } from './lexer.ts';

export type Argument =
  | { kind: 'field'; names: string[] }
  | { kind: 'variable'; name: string; names: string[] }
  | { kind: 'dot' }
  | { kind: 'function'; name: string }
  | { kind: 'literal'; value: unknown }
  | { kind: 'pipeline'; pipeline: Pipeline; names: string[] };

export interface Pipeline {
  /** `$x := ...` declares, `$x = ...` assigns; range may declare two. */
  variables: string[];
  assign: boolean;
  commands: Argument[][];
}

export type TemplateNode =
  | { kind: 'text'; text: string }
  | { kind: 'output'; pipeline: Pipeline; line: number }
  | { kind: 'if' | 'with'; pipeline: Pipeline; then: TemplateNode[]; otherwise: TemplateNode[]; line: number }
  | { kind: 'range'; pipeline: Pipeline; body: TemplateNode[]; otherwise: TemplateNode[]; line: number }
  | { kind: 'break' | 'continue'; line: number };

export function parseTemplate(template: string): TemplateNode[] {
  const pieces = splitTemplate(template);
  const state = { index: 0 };
  const nodes = parseList(pieces, state, []);
  if (state.index < pieces.length) {
    const piece = pieces[state.index] as Extract<Piece, { kind: 'action' }>;
    throw new TemplateError(`line ${piece.line}: unexpected {{${piece.source}}}`);
  }
  return nodes;
}

// Reads nodes until one of `stops` ({{end}}, {{else ...}}) or the end; leaves the index on the stop.
function parseList(pieces: Piece[], state: { index: number }, stops: string[]): TemplateNode[] {
  const nodes: TemplateNode[] = [];
  while (state.index < pieces.length) {
    const piece = pieces[state.index]!;
    if (piece.kind === 'text') {
      nodes.push({ kind: 'text', text: piece.text });
      state.index++;
      continue;
    }
    const keyword = /^[a-z]+\b/.exec(piece.source)?.[0] ?? '';
    if (stops.includes(keyword)) return nodes;
    state.index++;
    const rest = piece.source.slice(keyword.length);
    switch (keyword) {
      case 'if':
      case 'with':
        nodes.push(parseConditional(keyword, rest, piece.line, pieces, state));
        break;
      case 'range': {
        const pipeline = parsePipeline(tokenize(rest, piece.line), piece.line, true);
        const body = parseList(pieces, state, ['else', 'end']);
        const otherwise =
          closeBlock(pieces, state, piece.line, 'range') === 'else' ? parseElse(pieces, state, piece.line) : [];
        nodes.push({ kind: 'range', pipeline, body, otherwise, line: piece.line });
        break;
      }
      case 'break':
      case 'continue':
        nodes.push({ kind: keyword, line: piece.line });
        break;
      case 'end':
      case 'else':
        throw new TemplateError(`line ${piece.line}: unexpected {{${keyword}}}`);
      case 'define':
      case 'template':
      case 'block':
        throw new TemplateError(`line ${piece.line}: {{${keyword}}} is not supported in commit message templates`);
      default:
        nodes.push({
          kind: 'output',
          pipeline: parsePipeline(tokenize(piece.source, piece.line), piece.line, false),
          line: piece.line,
        });
    }
  }
  return nodes;
}

function parseConditional(
  kind: 'if' | 'with',
  source: string,
  line: number,
  pieces: Piece[],
  state: { index: number },
): TemplateNode {
  const pipeline = parsePipeline(tokenize(source, line), line, false);
  const then = parseList(pieces, state, ['else', 'end']);
  let otherwise: TemplateNode[] = [];
  if (closeBlock(pieces, state, line, kind) === 'else') {
    const elsePiece = pieces[state.index - 1] as Extract<Piece, { kind: 'action' }>;
    const chained = /^else\s+(if|with)\b(.*)$/s.exec(elsePiece.source);
    // `{{else if x}}` is an if nested in the else branch, sharing its {{end}}.
    otherwise = chained
      ? [parseConditional(chained[1] as 'if' | 'with', chained[2]!, elsePiece.line, pieces, state)]
      : parseElse(pieces, state, line);
  }
  return { kind, pipeline, then, otherwise, line };
}

function parseElse(pieces: Piece[], state: { index: number }, line: number): TemplateNode[] {
  const nodes = parseList(pieces, state, ['end']);
  closeBlock(pieces, state, line, 'else');
  return nodes;
}

// Consumes the {{else}} or {{end}} a block stopped at.
function closeBlock(pieces: Piece[], state: { index: number }, line: number, what: string): 'else' | 'end' {
  const piece = pieces[state.index];
  if (piece?.kind !== 'action') throw new TemplateError(`line ${line}: {{${what}}} has no {{end}}`);
  state.index++;
  return piece.source.startsWith('else') ? 'else' : 'end';
}

function parsePipeline(tokens: Token[], line: number, allowTwoVariables: boolean): Pipeline {
  const pipeline: Pipeline = { variables: [], assign: false, commands: [] };
  const declaration = tokens.findIndex(
    (token) => token.kind === 'punct' && (token.value === ':=' || token.value === '='),
  );
  let position = 0;
  if (
    declaration > 0 &&
    tokens
      .slice(0, declaration)
      .every((token) => token.kind === 'variable' || (token.kind === 'punct' && token.value === ','))
  ) {
    pipeline.variables = tokens
      .slice(0, declaration)
      .flatMap((token) => (token.kind === 'variable' ? [token.name] : []));
    pipeline.assign = (tokens[declaration] as { value: string }).value === '=';
    if (pipeline.variables.length > (allowTwoVariables ? 2 : 1))
      throw new TemplateError(`line ${line}: too many variables`);
    position = declaration + 1;
  }
  const state = { position };
  pipeline.commands = parseCommands(tokens, state, line, false);
  if (pipeline.commands.length === 0) throw new TemplateError(`line ${line}: missing value`);
  return pipeline;
}

function parseCommands(tokens: Token[], state: { position: number }, line: number, nested: boolean): Argument[][] {
  const commands: Argument[][] = [[]];
  while (state.position < tokens.length) {
    const token = tokens[state.position++]!;
    const current = commands.at(-1)!;
    if (token.kind === 'punct') {
      if (token.value === '|') {
        if (current.length === 0) throw new TemplateError(`line ${line}: missing command before '|'`);
        commands.push([]);
      } else if (token.value === '(') {
        const inner = parseCommands(tokens, state, line, true);
        const next = tokens[state.position];
        const names = next?.kind === 'chain' ? (state.position++, next.names) : [];
        current.push({ kind: 'pipeline', pipeline: { variables: [], assign: false, commands: inner }, names });
      } else if (token.value === ')') {
        if (!nested) throw new TemplateError(`line ${line}: unexpected ')'`);
        return commands.filter((command) => command.length > 0);
      } else {
        throw new TemplateError(`line ${line}: unexpected '${token.value}'`);
      }
      continue;
    }
    switch (token.kind) {
      case 'field':
        current.push({ kind: 'field', names: token.names });
        break;
      case 'variable':
        current.push({ kind: 'variable', name: token.name, names: token.names });
        break;
      case 'dot':
        current.push({ kind: 'dot' });
        break;
      case 'identifier':
        current.push({ kind: 'function', name: token.name });
        break;
      case 'string':
      case 'number':
      case 'bool':
        current.push({ kind: 'literal', value: token.value });
        break;
      case 'nil':
        current.push({ kind: 'literal', value: undefined });
        break;
      case 'chain':
        throw new TemplateError(`line ${line}: unexpected .${token.names.join('.')}`);
    }
  }
  if (nested) throw new TemplateError(`line ${line}: unclosed '('`);
  return commands.filter((command) => command.length > 0);
}
