// Turns a generator's literals, files and env files into ordered key/value pairs, as kustomize reads them.
import { posix } from 'node:path';
import { KustomizeError } from '../errors.ts';
import type { Loader } from '../loader.ts';
import type { GeneratorArgs } from '../types.ts';

/** `bytes` is set for file sources that are not valid UTF-8 text. */
export type KeyValue = { key: string; value: string; bytes?: Uint8Array };

function removeQuotes(value: string): string {
  if (value.length >= 2) {
    const first = value[0];
    if ((first === '"' || first === "'") && value.endsWith(first)) return value.slice(1, -1);
  }
  return value;
}

export function parseLiteral(source: string): KeyValue {
  const index = source.indexOf('=');
  // A literal without a key (`=x`) is refused like one without `=`.
  if (index <= 0) throw new KustomizeError(`invalid literal source ${source}, expected key=value`);
  return { key: source.slice(0, index), value: removeQuotes(source.slice(index + 1)) };
}

/** Lines of an env file: `KEY=VALUE`; blank lines and `#` comments skipped; a bare KEY takes the process env. */
export function parseEnvFile(text: string): KeyValue[] {
  const pairs: KeyValue[] = [];
  text.split('\n').forEach((rawLine, lineNumber) => {
    let line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    if (lineNumber === 0 && line.startsWith('\ufeff')) line = line.slice(1);
    line = line.replace(/^\s+/u, '');
    if (line === '' || line.startsWith('#')) return;
    const index = line.indexOf('=');
    const key = index < 0 ? line : line.slice(0, index);
    // kustomize (5.5) drops a line with an empty key (`=value`) without a word.
    if (key === '') return;
    const value = index < 0 ? (process.env[key] ?? '') : line.slice(index + 1);
    if (index < 0 && process.env[key] === undefined) return;
    pairs.push({ key, value });
  });
  return pairs;
}

/** Every pair a generator entry describes, in kustomize's order: env files, then literals, then files. */
export async function collectKeyValues(args: GeneratorArgs, loader: Loader): Promise<KeyValue[]> {
  const pairs: KeyValue[] = [];
  for (const envFile of args.envs ?? []) {
    const { text } = await loader.readFile(envFile);
    pairs.push(...parseEnvFile(text));
  }
  for (const literal of args.literals ?? []) pairs.push(parseLiteral(literal));
  for (const fileSource of args.files ?? []) {
    const index = fileSource.indexOf('=');
    const key = index < 0 ? posix.basename(fileSource) : fileSource.slice(0, index);
    const filePath = index < 0 ? fileSource : fileSource.slice(index + 1);
    if (index >= 0 && (key === '' || filePath === '')) {
      throw new KustomizeError(`key or file path is missing from '${fileSource}'`);
    }
    const { bytes } = await loader.readFileBytes(filePath);
    const text = decodeUtf8(bytes);
    pairs.push(text === undefined ? { key, value: '', bytes } : { key, value: text });
  }
  return pairs;
}

function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return undefined;
  }
}
