// Reads YAML text into plain JS values typed as kustomize's decoders type them, with errors naming file and line.
import { parseAllDocuments, isAlias, isMap, isScalar, isSeq, visit, type Document, type Node as YamlNode } from 'yaml';
import { KustomizeError } from '../errors.ts';
import {
  parseGoInteger,
  parseYamlTimestamp,
  resolvePlainScalar,
  resolveYaml11PlainScalar,
} from './resolve-plain-scalar.ts';

const TAG_PREFIX = 'tag:yaml.org,2002:';

/**
 * How plain scalars are typed: `kyaml` as kustomize reads resources and strategic merge patches (go-yaml v3:
 * `yes` is a string, a date becomes an RFC 3339 time); `yaml11` as it reads JSON 6902 operations written in
 * YAML (go-yaml v2 behind sigs.k8s.io/yaml: `yes`/`on`/`y` are booleans, a date stays the text it was).
 */
export type ScalarTyping = 'kyaml' | 'yaml11';

export type YamlDocument = Document.Parsed;

/** Parses a YAML stream once; each document can then be checked and read on its own, with either typing. */
export function parseYamlStream(text: string, uniqueKeys = true): YamlDocument[] {
  const documents = parseAllDocuments(text, { schema: 'failsafe', merge: false, uniqueKeys, prettyErrors: true });
  return Array.isArray(documents) ? documents : [documents];
}

/** The document's first syntax error as kustomize reports one, naming `file` and the line. */
export function documentError(document: YamlDocument, file: string): KustomizeError | undefined {
  const firstError = document.errors[0];
  if (!firstError) return undefined;
  const line = firstError.linePos?.[0].line;
  const where = line === undefined ? '' : `line ${line}: `;
  const duplicate = firstError.code === 'DUPLICATE_KEY' ? duplicateKey(document) : undefined;
  // go-yaml v3's wording, which names the key.
  const message =
    duplicate === undefined ? firstLine(firstError.message) : `mapping key "${duplicate}" already defined`;
  return new KustomizeError(`MalformedYAMLError: yaml: ${where}${message} in File: ${file}`, file);
}

function duplicateKey(document: YamlDocument): string | undefined {
  let found: string | undefined;
  visit(document, {
    Map(_key, node) {
      const seen = new Set<unknown>();
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? pair.key.value : pair.key;
        if (seen.has(key)) {
          found = String(key);
          return visit.BREAK;
        }
        seen.add(key);
      }
      return undefined;
    },
  });
  return found;
}

/** The document's value (null when empty); throws a KustomizeError naming `file` for a malformed document or tag. */
export function documentValue(document: YamlDocument, file: string, typing: ScalarTyping = 'kyaml'): unknown {
  const error = documentError(document, file);
  if (error) throw error;
  if (document.contents === null) return null;
  return toValue(document.contents, { document, file, typing }) ?? null;
}

/** Parses every document of a YAML stream; empty documents are dropped. */
export function parseYamlDocuments(text: string, file: string, uniqueKeys = true): unknown[] {
  const values: unknown[] = [];
  for (const document of parseYamlStream(text, uniqueKeys)) {
    const value = documentValue(document, file);
    if (value !== null) values.push(value);
  }
  return values;
}

/**
 * Parses a single YAML document (a kustomization file, a patch); null when empty. `uniqueKeys: false` for a
 * kustomization file, which kustomize reads with go-yaml v2: a repeated key is no error, the last one wins.
 */
export function parseYamlDocument(text: string, file: string, uniqueKeys = true): unknown {
  const documents = parseYamlDocuments(text, file, uniqueKeys);
  return documents[0] ?? null;
}

function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '');
}

type ReadContext = { document: YamlDocument; file: string; typing: ScalarTyping };

function toValue(node: unknown, context: ReadContext): unknown {
  if (isAlias(node)) return toValue(node.resolve(context.document), context);
  if (isMap(node)) {
    const result: Record<string, unknown> = {};
    const merged: Record<string, unknown>[] = [];
    for (const pair of node.items) {
      const keyNode = pair.key as YamlNode | null;
      if (isScalar(keyNode) && keyNode.value === '<<' && keyNode.type === 'PLAIN') {
        const source = toValue(pair.value, context);
        for (const entry of Array.isArray(source) ? source : [source]) {
          if (isPlainObject(entry)) merged.push(entry);
        }
        continue;
      }
      const key = keyToString(toValue(keyNode, context));
      result[key] = pair.value === null ? null : toValue(pair.value, context);
    }
    for (const source of merged) {
      for (const [key, value] of Object.entries(source)) {
        if (!(key in result)) result[key] = value;
      }
    }
    return result;
  }
  if (isSeq(node)) return node.items.map((item) => (item === null ? null : toValue(item, context)));
  if (isScalar(node)) return scalarValue(node.value, node.type, node.tag, context);
  return null;
}

function scalarValue(raw: unknown, style: string | undefined, tag: string | undefined, context: ReadContext): unknown {
  const { file } = context;
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
      return context.typing === 'kyaml' ? resolvePlainScalar(text) : resolveYaml11PlainScalar(text);
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
