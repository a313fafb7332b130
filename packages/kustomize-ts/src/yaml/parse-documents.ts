// Reads YAML text into plain JS values typed as kustomize's decoder types them, with errors naming file and line.
import { parseAllDocuments, isAlias, isMap, isScalar, isSeq, type Document, type Node as YamlNode } from 'yaml';
import { KustomizeError } from '../errors.ts';
import { parseGoInteger, parseYamlTimestamp, resolvePlainScalar } from './resolve-plain-scalar.ts';

const TAG_PREFIX = 'tag:yaml.org,2002:';

/** Parses every document of a YAML stream; empty documents are dropped. */
export function parseYamlDocuments(text: string, file: string): unknown[] {
  const documents = parseAllDocuments(text, {
    schema: 'failsafe',
    merge: false,
    uniqueKeys: true,
    prettyErrors: true,
  });
  const list = Array.isArray(documents) ? documents : [documents];
  const values: unknown[] = [];
  for (const document of list) {
    const firstError = document.errors[0];
    if (firstError) {
      const line = firstError.linePos?.[0].line;
      const where = line === undefined ? '' : `line ${line}: `;
      throw new KustomizeError(`MalformedYAMLError: yaml: ${where}${firstLine(firstError.message)} in File: ${file}`, file);
    }
    if (document.contents === null) continue;
    const value = toValue(document.contents, document, file);
    if (value === null || value === undefined) continue;
    values.push(value);
  }
  return values;
}

/** Parses a single YAML document (a kustomization file, a patch); null when empty. */
export function parseYamlDocument(text: string, file: string): unknown {
  const documents = parseYamlDocuments(text, file);
  return documents[0] ?? null;
}

function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '');
}

function toValue(node: unknown, document: Document.Parsed, file: string): unknown {
  if (isAlias(node)) return toValue(node.resolve(document), document, file);
  if (isMap(node)) {
    const result: Record<string, unknown> = {};
    const merged: Record<string, unknown>[] = [];
    for (const pair of node.items) {
      const keyNode = pair.key as YamlNode | null;
      if (isScalar(keyNode) && keyNode.value === '<<' && keyNode.type === 'PLAIN') {
        const source = toValue(pair.value, document, file);
        for (const entry of Array.isArray(source) ? source : [source]) {
          if (isPlainObject(entry)) merged.push(entry);
        }
        continue;
      }
      const key = keyToString(toValue(keyNode, document, file));
      result[key] = pair.value === null ? null : toValue(pair.value, document, file);
    }
    for (const source of merged) {
      for (const [key, value] of Object.entries(source)) {
        if (!(key in result)) result[key] = value;
      }
    }
    return result;
  }
  if (isSeq(node)) return node.items.map((item) => (item === null ? null : toValue(item, document, file)));
  if (isScalar(node)) return scalarValue(node.value, node.type, node.tag, file);
  return null;
}

function scalarValue(
  raw: unknown,
  style: string | undefined,
  tag: string | undefined,
  file: string,
): unknown {
  const text = raw === null || raw === undefined ? '' : String(raw);
  const shortTag = tag?.startsWith(TAG_PREFIX) ? `!!${tag.slice(TAG_PREFIX.length)}` : tag;
  switch (shortTag) {
    case '!!str':
    case '!!binary':
      return text;
    case '!!null':
      return null;
    case '!!bool':
      if (text === 'true' || text === 'True' || text === 'TRUE') return true;
      if (text === 'false' || text === 'False' || text === 'FALSE') return false;
      throw tagError(text, shortTag, file);
    case '!!int': {
      const integer = parseGoInteger(text.replaceAll('_', ''));
      if (integer === undefined) throw tagError(text, shortTag, file);
      return Number.isSafeInteger(Number(integer)) ? Number(integer) : integer;
    }
    case '!!float': {
      const value = resolvePlainScalar(text);
      if (typeof value === 'number') return value;
      if (typeof value === 'bigint') return Number(value);
      throw tagError(text, shortTag, file);
    }
    case '!!timestamp':
      return parseYamlTimestamp(text) ?? text;
    default:
      if (style !== 'PLAIN') return text;
      return resolvePlainScalar(text);
  }
}

function tagError(text: string, tag: string, file: string): KustomizeError {
  return new KustomizeError(`MalformedYAMLError: yaml: cannot decode ${tag} \`${text}\` in File: ${file}`, file);
}

function keyToString(key: unknown): string {
  if (key === null) return 'null';
  if (typeof key === 'object') return JSON.stringify(key);
  return String(key);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
