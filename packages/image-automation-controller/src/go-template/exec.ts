// Runs a parsed template over data: dot and variables scoped as in Go, pipelines passing the previous result as
// the last argument, `and`/`or` short-circuiting, range over lists, maps (in key order) and integers.
import { TemplateError } from './lexer.ts';
import { fieldOf, formatValue, isTrue, sortedEntries } from './format.ts';
import { templateFunctions, type TemplateFunction } from './functions.ts';
import { type Argument, parseTemplate, type Pipeline, type TemplateNode } from './parser.ts';

interface Scope {
  dot: unknown;
  variables: Array<Map<string, unknown>>;
  line: number;
}

class LoopSignal {
  readonly kind: 'break' | 'continue';
  constructor(kind: 'break' | 'continue') {
    this.kind = kind;
  }
}

const maxOutput = 64 * 1024;
const maxRangeSteps = 100_000;

/** Parses and runs `template` with `data` as dot; errors are TemplateErrors naming the line. */
export function renderGoTemplate(
  template: string,
  data: unknown,
  functions: Record<string, TemplateFunction> = templateFunctions,
): string {
  const nodes = parseTemplate(template);
  const output: string[] = [];
  const counter = { size: 0, steps: 0 };
  const scope: Scope = { dot: data, variables: [new Map([['$', data]])], line: 1 };
  run(nodes, scope, output, counter, functions);
  return output.join('');
}

function run(
  nodes: TemplateNode[],
  scope: Scope,
  output: string[],
  counter: { size: number; steps: number },
  functions: Record<string, TemplateFunction>,
): void {
  for (const node of nodes) {
    if (node.kind === 'text') {
      write(output, counter, node.text);
      continue;
    }
    const at: Scope = { ...scope, line: node.line };
    switch (node.kind) {
      case 'output': {
        const value = evaluatePipeline(node.pipeline, at, functions);
        if (node.pipeline.variables.length === 0) write(output, counter, formatValue(value));
        break;
      }
      case 'if':
      case 'with': {
        const value = evaluatePipeline(node.pipeline, at, functions);
        const inner: Scope = {
          ...at,
          dot: node.kind === 'with' ? value : at.dot,
          variables: [...at.variables, new Map()],
        };
        if (isTrue(value)) run(node.then, inner, output, counter, functions);
        else run(node.otherwise, { ...at, variables: [...at.variables, new Map()] }, output, counter, functions);
        break;
      }
      case 'range':
        runRange(node, at, output, counter, functions);
        break;
      case 'break':
      case 'continue':
        throw new LoopSignal(node.kind);
    }
  }
}

function runRange(
  node: Extract<TemplateNode, { kind: 'range' }>,
  scope: Scope,
  output: string[],
  counter: { size: number; steps: number },
  functions: Record<string, TemplateFunction>,
): void {
  const pipeline: Pipeline = { ...node.pipeline, variables: [] };
  const collection = evaluatePipeline(pipeline, scope, functions);
  let items: Array<[unknown, unknown]>;
  if (Array.isArray(collection)) items = collection.map((item, index) => [index, item]);
  else if (collection instanceof Map) items = sortedEntries(collection);
  else if (typeof collection === 'number' && Number.isInteger(collection))
    items = Array.from({ length: Math.max(0, collection) }, (_, index) => [index, index]);
  else if (collection === undefined || collection === null) items = [];
  else throw new TemplateError(`line ${node.line}: range can't iterate over ${formatValue(collection)}`);
  if (items.length === 0) {
    run(node.otherwise, { ...scope, variables: [...scope.variables, new Map()] }, output, counter, functions);
    return;
  }
  const [first, second] = node.pipeline.variables;
  for (const [key, value] of items) {
    if (++counter.steps > maxRangeSteps) throw new TemplateError(`line ${node.line}: the template runs too long`);
    const variables = new Map<string, unknown>();
    if (first !== undefined && second !== undefined) {
      variables.set(first, key);
      variables.set(second, value);
    } else if (first !== undefined) {
      variables.set(first, value);
    }
    try {
      run(node.body, { ...scope, dot: value, variables: [...scope.variables, variables] }, output, counter, functions);
    } catch (error) {
      if (!(error instanceof LoopSignal)) throw error;
      if (error.kind === 'break') break;
    }
  }
}

function write(output: string[], counter: { size: number }, text: string): void {
  counter.size += text.length;
  if (counter.size > maxOutput) throw new TemplateError(`the message is longer than ${maxOutput} characters`);
  output.push(text);
}

function evaluatePipeline(pipeline: Pipeline, scope: Scope, functions: Record<string, TemplateFunction>): unknown {
  let result: unknown;
  let hasPrevious = false;
  for (const command of pipeline.commands) {
    result = evaluateCommand(command, scope, functions, hasPrevious ? [result] : []);
    hasPrevious = true;
  }
  const [name] = pipeline.variables;
  if (name !== undefined) {
    if (pipeline.assign) {
      const frame = [...scope.variables].reverse().find((variables) => variables.has(name));
      if (!frame) throw new TemplateError(`line ${scope.line}: undefined variable ${name}`);
      frame.set(name, result);
    } else {
      scope.variables.at(-1)!.set(name, result);
    }
  }
  return result;
}

function evaluateCommand(
  command: Argument[],
  scope: Scope,
  functions: Record<string, TemplateFunction>,
  piped: unknown[],
): unknown {
  const [head, ...rest] = command;
  if (head?.kind === 'function') {
    if (head.name === 'and' || head.name === 'or')
      return shortCircuit(head.name, [
        ...rest.map((argument) => () => evaluateArgument(argument, scope, functions)),
        ...piped.map((value) => () => value),
      ]);
    const fn = functions[head.name];
    if (!fn) throw new TemplateError(`line ${scope.line}: function "${head.name}" not defined`);
    const args = [...rest.map((argument) => evaluateArgument(argument, scope, functions)), ...piped];
    try {
      return fn(...args);
    } catch (error) {
      throw new TemplateError(
        `line ${scope.line}: error calling ${head.name}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  if (command.length > 1 || piped.length > 0)
    throw new TemplateError(`line ${scope.line}: can't give arguments to a non-function`);
  return evaluateArgument(head!, scope, functions);
}

function shortCircuit(kind: 'and' | 'or', thunks: Array<() => unknown>): unknown {
  let value: unknown;
  for (const thunk of thunks) {
    value = thunk();
    if (kind === 'and' ? !isTrue(value) : isTrue(value)) return value;
  }
  return value;
}

function evaluateArgument(argument: Argument, scope: Scope, functions: Record<string, TemplateFunction>): unknown {
  switch (argument.kind) {
    case 'literal':
      return argument.value;
    case 'dot':
      return scope.dot;
    case 'field':
      return walk(scope.dot, argument.names, scope);
    case 'variable': {
      const frame = [...scope.variables].reverse().find((variables) => variables.has(argument.name));
      if (!frame) throw new TemplateError(`line ${scope.line}: undefined variable ${argument.name}`);
      return walk(frame.get(argument.name), argument.names, scope);
    }
    case 'function': {
      const fn = functions[argument.name];
      if (!fn) throw new TemplateError(`line ${scope.line}: function "${argument.name}" not defined`);
      return fn();
    }
    case 'pipeline':
      return walk(evaluatePipeline(argument.pipeline, scope, functions), argument.names, scope);
  }
}

function walk(start: unknown, names: string[], scope: Scope): unknown {
  let value = start;
  for (const name of names) {
    if (value === undefined || value === null) return undefined;
    const field = fieldOf(value, name);
    if (!field.found) throw new TemplateError(`line ${scope.line}: can't evaluate field ${name} in ${describe(value)}`);
    value = field.value;
  }
  return value;
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${JSON.stringify(value)}`;
}
