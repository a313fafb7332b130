// Tells a strategic merge patch (YAML/JSON objects) from a JSON 6902 patch (a list of operations), as kustomize does.
import { parse, parseAllDocuments } from 'yaml';
import type { KObject } from '../types.ts';
import { PatchError } from './patch-error.ts';
import { isMap } from './yaml-nodes.ts';

export type ParsedPatch =
  | { kind: 'strategic-merge'; patches: KObject[] }
  | { kind: 'json6902'; operations: unknown[] };

type Attempt<T> = { ok: true; value: T } | { ok: false };

/**
 * Parses patch text. Like kustomize, it tries both readings: objects (one per YAML document) make a
 * strategic merge patch, a list makes JSON 6902 operations. Text that reads as both (only blanks,
 * comments or `---`) or as neither is an error naming `source`. Empty text is an empty strategic merge patch.
 */
export function parsePatch(text: string, source: string): ParsedPatch {
  if (text === '') return { kind: 'strategic-merge', patches: [] };
  const strategic = readStrategicMerge(text);
  const json = readOperations(text);
  if (strategic.ok && json.ok) {
    throw new PatchError(`illegally qualifies as both an SM and JSON patch: ${source}`);
  }
  if (strategic.ok) return { kind: 'strategic-merge', patches: strategic.value };
  if (json.ok) return { kind: 'json6902', operations: json.value };
  throw new PatchError(`unable to parse SM or JSON patch from ${source}`);
}

function readStrategicMerge(text: string): Attempt<KObject[]> {
  const patches: KObject[] = [];
  for (const document of parseAllDocuments(text)) {
    if (document.errors.length > 0) return { ok: false };
    const value: unknown = document.toJS();
    // Empty documents (only comments, a lone `---`) hold no patch.
    if (value === null || value === undefined) continue;
    if (!isMap(value)) return { ok: false };
    // A `kind: List` stands for its items, as kustomize reads resources.
    if (value['kind'] === 'List' && Array.isArray(value['items'])) {
      const items = value['items'] as unknown[];
      if (!items.every(isMap)) return { ok: false };
      patches.push(...(items as KObject[]));
      continue;
    }
    patches.push(value as KObject);
  }
  return { ok: true, value: patches };
}

function readOperations(text: string): Attempt<unknown[]> {
  let value: unknown;
  try {
    // JSON text is read as JSON; anything else is YAML (only its first document counts).
    value = text.startsWith('[') ? JSON.parse(text) : firstYamlDocument(text);
  } catch {
    return { ok: false };
  }
  if (value === null || value === undefined) return { ok: true, value: [] };
  return Array.isArray(value) ? { ok: true, value } : { ok: false };
}

function firstYamlDocument(text: string): unknown {
  const [first] = parseAllDocuments(text);
  if (!first) return parse('');
  if (first.errors.length > 0) throw first.errors[0];
  return first.toJS();
}
