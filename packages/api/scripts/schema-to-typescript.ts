// Renders structural CRD schema nodes as TypeScript: a `title` names an interface, anything else is inlined.
import type { JsonSchema } from '../src/crd-manifest.ts';

/** Names of titled types a rendered declaration refers to, so the file can import them. */
export type UsedNames = Set<string>;

/** The object schema's own declaration, `export interface <title> { ... }` (or a type alias for non-objects). */
export function renderDeclaration(name: string, node: JsonSchema, doc: string[], used: UsedNames): string {
  const comment = renderComment(doc, '');
  if (node.type === 'object' && node.properties !== undefined && node.additionalProperties === undefined) {
    return `${comment}export interface ${name} ${renderObjectBody(node, used, '')}\n`;
  }
  return `${comment}export type ${name} = ${renderInline(node, used, '')};\n`;
}

/** The members of an object schema, as `{ ... }` indented below `indent`. */
export function renderObjectBody(
  node: JsonSchema,
  used: UsedNames,
  indent: string,
  extraMembers: string[] = [],
): string {
  const inner = `${indent}  `;
  const required = new Set(node.required ?? []);
  const members = [...extraMembers.map((member) => `${inner}${member}`)];
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    const optional = required.has(key) ? '' : '?';
    members.push(
      `${renderComment(propertyDoc(child), inner)}${inner}${propertyKey(key)}${optional}: ${renderType(child, used, inner)};`,
    );
  }
  return members.length === 0 ? '{}' : `{\n${members.join('\n')}\n${indent}}`;
}

/** The type of a node where it is used: its title if it has one, else its inline type. */
export function renderType(node: JsonSchema, used: UsedNames, indent: string): string {
  if (node.title !== undefined) {
    used.add(node.title);
    return node.title;
  }
  return renderInline(node, used, indent);
}

function renderInline(node: JsonSchema, used: UsedNames, indent: string): string {
  if (node['x-kubernetes-int-or-string'] === true) return 'number | string';
  if (node.enum !== undefined) return node.enum.map((value) => literal(value)).join(' | ');
  switch (node.type) {
    case 'string':
      return 'string';
    case 'integer':
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'array': {
      if (node.items === undefined) return 'unknown[]';
      const item = renderType(node.items, used, indent);
      return /[|&]/.test(item) ? `Array<${item}>` : `${item}[]`;
    }
    case 'object':
      return renderObject(node, used, indent);
    default:
      return 'unknown';
  }
}

function renderObject(node: JsonSchema, used: UsedNames, indent: string): string {
  const hasProperties = node.properties !== undefined && Object.keys(node.properties).length > 0;
  const additional = node.additionalProperties;
  if (!hasProperties) {
    if (typeof additional === 'object') return `Record<string, ${renderType(additional, used, indent)}>`;
    return 'Record<string, unknown>';
  }
  const body = renderObjectBody(node, used, indent);
  if (typeof additional === 'object') return `${body} & Record<string, ${renderType(additional, used, indent)}>`;
  return body;
}

/** Description plus the constraints a reader of the type needs: default, pattern, bounds, format. */
export function propertyDoc(node: JsonSchema): string[] {
  const lines = node.description === undefined ? [] : node.description.split('\n');
  if (node.default !== undefined) lines.push(`@default ${JSON.stringify(node.default)}`);
  if (node.pattern !== undefined) lines.push(`@pattern ${node.pattern}`);
  if (node.format !== undefined) lines.push(`@format ${node.format}`);
  for (const bound of ['minimum', 'maximum', 'minLength', 'maxLength', 'minItems', 'maxItems'] as const) {
    if (node[bound] !== undefined) lines.push(`@${bound} ${node[bound]}`);
  }
  return lines;
}

/** The rules the API server enforces on an object, as doc lines for its declaration. */
export function validationDoc(node: JsonSchema): string[] {
  return (node['x-kubernetes-validations'] ?? []).map(
    (rule) => `Enforced by the API server: ${rule.message ?? rule.rule}`,
  );
}

export function renderComment(lines: string[], indent: string): string {
  if (lines.length === 0) return '';
  // A pattern can hold `*/`, which would end the comment early.
  const safe = lines.map((line) => line.replaceAll('*/', '*\\/').trimEnd());
  if (safe.length === 1) return `${indent}/** ${safe[0]} */\n`;
  return `${indent}/**\n${safe.map((line) => (line === '' ? `${indent} *` : `${indent} * ${line}`)).join('\n')}\n${indent} */\n`;
}

export function literal(value: unknown): string {
  if (typeof value === 'string') return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
  return JSON.stringify(value);
}

function propertyKey(key: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? key : literal(key);
}
