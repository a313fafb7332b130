// Strategic merge patch as kustomize applies it (kyaml's merge walk, patch list elements prepended).
//
// What kyaml does, and so what this does: lists whose schema strategy includes `merge` are merged by
// their merge keys (x-kubernetes-list-map-keys first), other lists and all lists of kinds without a
// schema (CRDs) are replaced; `null` removes a field; `$patch: delete | replace | merge` works on maps,
// list elements and lists (as a `- $patch: replace` element). `$setElementOrder/*`, `$retainKeys` and
// `$deleteFromPrimitiveList/*` are NOT interpreted by kustomize: they are copied into the result like
// any other field, and so they are here.
import type { KObject } from '../types.ts';
import { elementSchema, fieldSchema, hasMergeStrategy, mergeKeys, schemaFor } from '../openapi/schema.ts';
import type { MergeSchema } from '../openapi/schema.ts';
import { collectKeyValues, collectPrimitiveValues, mergeAssociativeElements } from './associative-list.ts';
import { setElement } from './list-elements.ts';
import { PatchError } from './patch-error.ts';
import { deepCopy, isMap, isMissingOrNull, nodeKind, scalarText } from './yaml-nodes.ts';
import type { NodeKind } from './yaml-nodes.ts';
import { stringify } from 'yaml';

type Directive = 'merge' | 'replace' | 'delete';

const directiveKey = '$patch';

/**
 * Applies a strategic merge patch to a copy of `target` and returns it. Neither argument is modified.
 * When the patch deletes the whole object (`$patch: delete` at the top), an empty object `{}` is returned.
 */
export function applyStrategicMergePatch(target: KObject, patch: KObject): KObject {
  const merged = walk([deepCopy(target), deepCopy(patch)], undefined);
  return isMap(merged) ? (merged as KObject) : {};
}

/** True for the result of a patch that deleted its target. */
export function isDeletedByPatch(object: KObject): boolean {
  return Object.keys(object).length === 0;
}

/** Walks sources [dest, patch]; returns the merged value, undefined to clear, null also clears. */
function walk(sources: unknown[], knownSchema: MergeSchema | undefined): unknown {
  const schema = knownSchema ?? schemaFromTypeFields(sources);
  const kind = firstKind(sources);
  if (kind === 'MappingNode') {
    requireKind('MappingNode', sources);
    return walkMap(sources, schema);
  }
  if (kind === 'SequenceNode') {
    requireKind('SequenceNode', sources);
    if (schema && hasMergeStrategy(schema)) return walkAssociativeList(sources, schema);
    return sources[1] !== undefined ? sources[1] : sources[0];
  }
  if (kind === 'ScalarNode') {
    requireKind('ScalarNode', sources);
    return sources[1] !== undefined ? sources[1] : sources[0];
  }
  return walkMap(sources, schema);
}

/** kyaml looks a schema up by apiVersion/kind wherever it has none yet (top level, embedded objects). */
function schemaFromTypeFields(sources: unknown[]): MergeSchema | undefined {
  for (const source of sources) {
    if (!isMap(source)) continue;
    const { apiVersion, kind } = source;
    if (typeof apiVersion !== 'string' || typeof kind !== 'string' || !apiVersion || !kind) continue;
    const schema = schemaFor(apiVersion, kind);
    if (schema) return schema;
  }
  return undefined;
}

function firstKind(sources: unknown[]): NodeKind | undefined {
  const present = sources.find((source) => !isMissingOrNull(source));
  return present === undefined ? undefined : nodeKind(present);
}

function requireKind(expected: NodeKind, sources: unknown[]): void {
  for (const source of sources) {
    if (isMissingOrNull(source) || nodeKind(source) === expected) continue;
    throw new PatchError(
      `wrong node kind: expected ${expected} but got ${nodeKind(source)}: node contents:\n${stringify(source)}`,
    );
  }
}

function walkMap(sources: unknown[], schema: MergeSchema | undefined): unknown {
  const dest = visitMap(sources);
  sources[0] = dest;
  if (dest === undefined) return undefined;
  const names = new Set<string>();
  for (const source of sources) {
    if (isMap(source)) for (const name of Object.keys(source)) names.add(name);
  }
  const patch = sources[1];
  for (const name of [...names].sort(compareBytes)) {
    // A field the patch does not name stays as it is, nulls included (kyaml keeps the destination's nulls).
    if (!isMap(patch) || !(name in patch)) continue;
    const values = sources.map((source) => (isMap(source) ? source[name] : undefined));
    const merged = walk(values, fieldSchema(schema, name));
    if (!isMap(dest)) continue;
    if (isMissingOrNull(merged)) delete dest[name];
    else dest[name] = merged;
  }
  return dest;
}

function visitMap(sources: unknown[]): unknown {
  const [dest, patch] = sources;
  if (isMissingOrNull(dest)) {
    // Adding a map the target lacks: only `$patch: delete` keeps it out.
    let directive: Directive | 'unknown';
    try {
      directive = takeDirective(patch);
    } catch {
      directive = 'unknown';
    }
    return directive === 'delete' ? undefined : patch;
  }
  if (patch === null) return undefined;
  const directive = takeDirective(patch);
  if (directive === 'delete') return undefined;
  if (directive === 'replace') return patch;
  return dest;
}

function walkAssociativeList(sources: unknown[], schema: MergeSchema): unknown {
  const dest = visitAssociativeList(sources);
  sources[0] = dest;
  if (dest === undefined) return undefined;
  if (!Array.isArray(dest)) return dest;
  const keys = mergeKeys(schema);
  const element = elementSchema(schema);
  const walkElement = (elementSources: unknown[]): unknown => walk(elementSources, element);
  const keyValues = collectKeyValues(sources, keys);
  if (keyValues.length > 0 || keys.length > 0) {
    return mergeAssociativeElements(sources, keyValues, keys, dest, walkElement);
  }
  // A merged list of scalars (finalizers): union, patch values first.
  return mergeAssociativeElements(sources, collectPrimitiveValues(sources), [''], dest, walkElement);
}

function visitAssociativeList(sources: unknown[]): unknown {
  const [dest, patch] = sources;
  if (isMissingOrNull(dest)) return patch;
  if (patch === null) return undefined;
  const directive = takeDirective(patch);
  if (directive === 'delete') return undefined;
  if (directive === 'replace') return patch;
  return dest;
}

/** Reads and removes the `$patch` directive of a patch map, or of a list (a `- $patch: x` element). */
function takeDirective(patch: unknown): Directive {
  if (patch === undefined) return 'merge';
  if (Array.isArray(patch)) return takeListDirective(patch);
  if (isMap(patch)) {
    if (!(directiveKey in patch)) return 'merge';
    const value = scalarText(patch[directiveKey]);
    if (value !== 'delete' && value !== 'replace' && value !== 'merge') {
      throw new PatchError(`unknown patch strategy '${value}'`);
    }
    delete patch[directiveKey];
    return value;
  }
  throw new PatchError(`no implemented strategic merge patch strategy for '${scalarText(patch)}'`);
}

function takeListDirective(patch: unknown[]): Directive {
  const holder = patch.find((element) => isMap(element) && directiveKey in element);
  // A `$patch` beside other fields belongs to that element, not to the list.
  if (!isMap(holder) || Object.keys(holder).length > 1) return 'merge';
  const value = scalarText(holder[directiveKey]);
  if (value !== 'delete' && value !== 'replace' && value !== 'merge') {
    throw new PatchError(`unknown patch strategy '${value}'`);
  }
  setElement(patch, undefined, [directiveKey], [value]);
  return value;
}

/** Go's sort.Strings order (by UTF-8 bytes); equal to code-unit order outside surrogate pairs. */
function compareBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
