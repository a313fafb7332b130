// The file formats SOPS writes (YAML, JSON, dotenv, INI, binary): read an encrypted file as a tree with its metadata,
// and write the decrypted tree back in the same format.
import { parseAllDocuments, stringify } from 'yaml';
import { SopsFormatError, type SopsTree } from './sops-tree.ts';

export type SopsFormat = 'yaml' | 'json' | 'dotenv' | 'ini' | 'binary';

export interface SopsDocument {
  format: SopsFormat;
  /** The documents of the file without the metadata (dotenv, INI, JSON and binary have one). */
  branches: SopsTree[];
  /** The `sops` metadata, unflattened where the format stores it flat. */
  sops: SopsTree | undefined;
}

/** The format SOPS uses for a path, by its extension; anything else is binary. */
export function formatForPath(path: string): SopsFormat {
  const lower = path.toLowerCase();
  if (lower.endsWith('.yaml') || lower.endsWith('.yml')) return 'yaml';
  if (lower.endsWith('.json')) return 'json';
  if (lower.endsWith('.env')) return 'dotenv';
  if (lower.endsWith('.ini')) return 'ini';
  return 'binary';
}

/** The format of an encrypted file by the marker SOPS leaves in it; undefined when it is not SOPS-encrypted. */
export function detectEncryptedFormat(text: string): SopsFormat | undefined {
  if (text.includes('sops_mac=ENC[')) return 'dotenv';
  if (/^\[sops\]\s*$/m.test(text)) return 'ini';
  if (text.includes('"mac": "ENC[')) return /^\s*\{\s*"data":\s*"ENC\[/.test(text) ? 'binary' : 'json';
  if (text.includes('mac: ENC[')) return 'yaml';
  return undefined;
}

export function parseEncrypted(text: string, format: SopsFormat): SopsDocument {
  switch (format) {
    case 'yaml':
    case 'json':
    case 'binary':
      return parseTreeDocuments(text, format);
    case 'dotenv':
      return parseDotenv(text);
    case 'ini':
      return parseIni(text);
  }
}

function parseTreeDocuments(text: string, format: SopsFormat): SopsDocument {
  const branches: SopsTree[] = [];
  let sops: SopsTree | undefined;
  for (const document of parseAllDocuments(text)) {
    const error = document.errors[0];
    if (error)
      throw new SopsFormatError(
        `not valid ${format === 'yaml' ? 'YAML' : 'JSON'}: ${error.message.split('\n')[0] ?? ''}`,
      );
    const value = document.toJS({ mapAsMap: true }) as SopsTree;
    if (value === null || value === undefined) continue;
    if (!(value instanceof Map)) throw new SopsFormatError('a document is not a mapping');
    if (value.has('sops')) {
      sops ??= value.get('sops');
      value.delete('sops');
    }
    branches.push(value);
  }
  return { format, branches, sops };
}

function parseDotenv(text: string): SopsDocument {
  const branch = new Map<string, SopsTree>();
  const flatMetadata = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line.length === 0 || line.startsWith('#')) continue;
    const equals = line.indexOf('=');
    if (equals === -1) throw new SopsFormatError(`invalid dotenv line: ${line.slice(0, 40)}`);
    const key = line.slice(0, equals);
    const value = line.slice(equals + 1).replaceAll('\\n', '\n');
    if (key.startsWith('sops_')) flatMetadata.set(key.slice('sops_'.length), value);
    else branch.set(key, value);
  }
  return { format: 'dotenv', branches: [branch], sops: flatMetadata.size > 0 ? unflatten(flatMetadata) : undefined };
}

function parseIni(text: string): SopsDocument {
  const sections = new Map<string, SopsTree>([['DEFAULT', new Map()]]);
  let current = sections.get('DEFAULT') as Map<string, SopsTree>;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith(';') || line.startsWith('#')) continue;
    const section = /^\[(.+)\]$/.exec(line);
    if (section) {
      const name = section[1] ?? '';
      if (!sections.has(name)) sections.set(name, new Map());
      current = sections.get(name) as Map<string, SopsTree>;
      continue;
    }
    const equals = line.search(/[=:]/);
    if (equals === -1) throw new SopsFormatError(`invalid INI line: ${line.slice(0, 40)}`);
    current.set(line.slice(0, equals).trim(), unquote(line.slice(equals + 1).trim()));
  }
  const metadata = sections.get('sops');
  sections.delete('sops');
  const flat = new Map<string, string>();
  if (metadata instanceof Map)
    for (const [key, value] of metadata) flat.set(key, String(value).replaceAll('\\n', '\n'));
  return { format: 'ini', branches: [sections], sops: flat.size > 0 ? unflatten(flat) : undefined };
}

function unquote(value: string): string {
  if (
    value.length >= 2 &&
    ((value.startsWith('"') && value.endsWith('"')) || (value.startsWith('`') && value.endsWith('`')))
  )
    return value.slice(1, -1);
  return value;
}

/** `age__list_0__map_recipient` back into `{age: [{recipient}]}`, as SOPS flattens metadata for dotenv and INI. */
function unflatten(flat: ReadonlyMap<string, string>): SopsTree {
  const root = new Map<string, SopsTree>();
  for (const [path, value] of flat) {
    const tokens = path.split(/(__map_|__list_)/);
    let container: Map<string, SopsTree> | SopsTree[] = root;
    let key: string | number = tokens[0] ?? '';
    for (let index = 1; index < tokens.length; index += 2) {
      const isList = tokens[index] === '__list_';
      const next: string | number = isList ? Number(tokens[index + 1]) : (tokens[index + 1] ?? '');
      const existing: SopsTree | undefined =
        container instanceof Map ? container.get(String(key)) : container[Number(key)];
      const child: Map<string, SopsTree> | SopsTree[] =
        existing instanceof Map || Array.isArray(existing) ? existing : isList ? [] : new Map();
      if (container instanceof Map) container.set(String(key), child);
      else container[Number(key)] = child;
      container = child;
      key = next;
    }
    if (container instanceof Map) container.set(String(key), value);
    else container[Number(key)] = value;
  }
  return root;
}

/** The decrypted tree in the format a consumer expects (kustomize reads generator files by their extension). */
export function emitPlain(branches: readonly SopsTree[], format: SopsFormat): string {
  switch (format) {
    case 'yaml':
      return branches.map((branch) => stringify(branch)).join('---\n');
    case 'json':
      return `${emitJson(branches[0] ?? null)}\n`;
    case 'binary': {
      const data = branches[0] instanceof Map ? branches[0].get('data') : undefined;
      if (typeof data !== 'string') throw new SopsFormatError('a binary SOPS file has no data');
      return data;
    }
    case 'dotenv':
      return emitDotenv(branches[0] ?? null);
    case 'ini':
      return emitIni(branches[0] ?? null);
  }
}

function emitJson(tree: SopsTree): string {
  if (tree instanceof Map)
    return `{${[...tree].map(([key, value]) => `${JSON.stringify(key)}:${emitJson(value)}`).join(',')}}`;
  if (Array.isArray(tree)) return `[${tree.map(emitJson).join(',')}]`;
  return JSON.stringify(typeof tree === 'bigint' ? Number(tree) : tree);
}

function emitDotenv(tree: SopsTree): string {
  if (!(tree instanceof Map)) return '';
  return [...tree].map(([key, value]) => `${key}=${scalarText(value, key).replaceAll('\n', '\\n')}\n`).join('');
}

function emitIni(tree: SopsTree): string {
  if (!(tree instanceof Map)) return '';
  const lines: string[] = [];
  for (const [section, values] of tree) {
    if (!(values instanceof Map) || (section === 'DEFAULT' && values.size === 0)) continue;
    lines.push(`[${section}]`);
    for (const [key, value] of values) lines.push(`${key} = ${scalarText(value, key)}`);
    lines.push('');
  }
  return lines.join('\n');
}

function scalarText(value: SopsTree, key: string): string {
  if (value instanceof Map || Array.isArray(value))
    throw new SopsFormatError(`cannot write a nested value in a flat file (key ${key})`);
  return value === null ? '' : String(value);
}
