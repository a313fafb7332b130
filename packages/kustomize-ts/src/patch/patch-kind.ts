// Tells a strategic merge patch (YAML/JSON objects) from a JSON 6902 patch (a list of operations), as kustomize does,
// and reads its values with the typing kustomize gives each kind.
import type { KObject } from '../types.ts';
import { documentValue, parseYamlStream, type YamlDocument } from '../yaml/parse-documents.ts';
import { PatchError } from './patch-error.ts';
import { isMap } from './yaml-nodes.ts';

export type ParsedPatch = { kind: 'strategic-merge'; patches: KObject[] } | { kind: 'json6902'; operations: unknown[] };

type Attempt<T> = { ok: true; value: T } | { ok: false };

/**
 * Parses patch text. Like kustomize, it tries both readings: objects (one per YAML document) make a
 * strategic merge patch, a list makes JSON 6902 operations. Text that reads as both (only blanks,
 * comments or `---`) or as neither is an error naming `source`. Empty text is an empty strategic merge patch.
 */
export function parsePatch(text: string, source: string): ParsedPatch {
  if (text === '') return { kind: 'strategic-merge', patches: [] };
  // One parse; the two readings differ only in how they type scalars (see ScalarTyping).
  const documents = parseYamlStream(text);
  const strategic = readStrategicMerge(documents, source);
  const json = readOperations(text, documents, source);
  if (strategic.ok && json.ok) {
    throw new PatchError(`illegally qualifies as both an SM and JSON patch: ${source}`);
  }
  if (strategic.ok) return { kind: 'strategic-merge', patches: strategic.value };
  if (json.ok) return { kind: 'json6902', operations: json.value };
  throw new PatchError(`unable to parse SM or JSON patch from ${source}`);
}

/** kustomize reads a strategic merge patch as resources: every document, go-yaml v3 typing. */
function readStrategicMerge(documents: YamlDocument[], source: string): Attempt<KObject[]> {
  const patches: KObject[] = [];
  for (const document of documents) {
    const value = attempt(() => documentValue(document, source, 'kyaml'));
    if (!value.ok) return value;
    // Empty documents (only comments, a lone `---`) hold no patch.
    if (value.value === null) continue;
    if (!isMap(value.value)) return { ok: false };
    // A `kind: List` stands for its items, as kustomize reads resources.
    if (value.value['kind'] === 'List' && Array.isArray(value.value['items'])) {
      const items = value.value['items'] as unknown[];
      if (!items.every(isMap)) return { ok: false };
      patches.push(...(items as KObject[]));
      continue;
    }
    patches.push(value.value as KObject);
  }
  return { ok: true, value: patches };
}

/** JSON text is read as JSON; anything else as YAML turned into JSON (its first document only, go-yaml v2 typing). */
function readOperations(text: string, documents: YamlDocument[], source: string): Attempt<unknown[]> {
  const [first] = documents;
  const value = attempt(() =>
    text.startsWith('[') ? JSON.parse(text) : first ? documentValue(first, source, 'yaml11') : null,
  );
  if (!value.ok) return value;
  if (value.value === null || value.value === undefined) return { ok: true, value: [] };
  return Array.isArray(value.value) ? { ok: true, value: value.value } : { ok: false };
}

function attempt(read: () => unknown): Attempt<unknown> {
  try {
    return { ok: true, value: read() };
  } catch {
    return { ok: false };
  }
}
