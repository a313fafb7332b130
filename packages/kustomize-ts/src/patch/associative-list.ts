// Merging lists whose schema says `merge`: elements paired by merge keys, patch elements first (kustomize prepends).
import { appendElements, elementKeyValues, findElement, setElement } from './list-elements.ts';
import { isEmptyMap, isMap, isMissingOrNull, plainScalar, scalarText } from './yaml-nodes.ts';

/** Walks one pair of elements ([dest, patch]) and returns the merged element (undefined/null: delete). */
export type ElementWalker = (sources: unknown[]) => unknown;

/** Sources in kyaml order: [dest, patch]. Key values are gathered patch-first, as with ListIncreaseDirection=Prepend. */
function patchFirst(sources: unknown[]): unknown[] {
  return [sources[1], sources[0]];
}

export function collectKeyValues(sources: unknown[], keys: string[]): string[][] {
  const collected: string[][] = [];
  const seen = new Set<string>();
  for (const source of patchFirst(sources)) {
    if (source === undefined) continue;
    for (const values of elementKeyValues(source, keys)) {
      const id = JSON.stringify(values);
      if (values.length === 0 || seen.has(id)) continue;
      collected.push(values);
      seen.add(id);
    }
  }
  return collected;
}

export function collectPrimitiveValues(sources: unknown[]): string[][] {
  const collected: string[][] = [];
  const seen = new Set<string>();
  for (const source of patchFirst(sources)) {
    if (!Array.isArray(source)) continue;
    for (const item of source) {
      const text = scalarText(item);
      if (seen.has(text)) continue;
      collected.push([text]);
      seen.add(text);
    }
  }
  return collected;
}

/** Keys that have a value somewhere in the list; a missing secondary key (e.g. protocol) is then ignored. */
function usableKeys(valuesList: string[][], values: string[], keys: string[]): [string[], string[]] {
  const present = new Set<string>();
  for (const entry of valuesList) {
    entry.forEach((value, index) => {
      if (value !== '') present.add(keys[index] ?? '');
    });
  }
  if (present.size === 0) return [keys, values];
  const usable = keys.filter((key) => present.has(key));
  const usableValues = values.filter((value, index) => value !== '' || present.has(keys[index] ?? ''));
  return [usable, usableValues];
}

/** Two key tuples are the same element when they share a value and differ only where one side is empty. */
function sameElement(first: string[], second: string[]): string[] | undefined {
  if (first.length !== second.length) return undefined;
  let common = false;
  const merged: string[] = [];
  for (let index = 0; index < first.length; index++) {
    const a = first[index] ?? '';
    const b = second[index] ?? '';
    if (a === b) {
      common = true;
      merged.push(a);
      continue;
    }
    if (a !== '' && b !== '') return undefined;
    merged.push(a !== '' ? a : b);
  }
  return common ? merged : undefined;
}

function unifyKeyValues(valuesList: string[][]): string[][] {
  for (let i = 0; i < valuesList.length; i++) {
    const first = valuesList[i] ?? [];
    for (let j = 0; j < valuesList.length; j++) {
      const merged = sameElement(first, valuesList[j] ?? []);
      if (merged) {
        valuesList[i] = merged;
        valuesList[j] = merged;
      }
    }
  }
  return valuesList;
}

function sourcesForElement(sources: unknown[], keys: string[], values: string[]): unknown[] {
  const [matchKeys, matchValues] = usableKeys([values], values, keys);
  return sources.map((source) => (source === undefined ? undefined : findElement(source, matchKeys, matchValues)));
}

/**
 * Merges the elements identified by `valuesList` (key tuples) from sources [dest, patch] into `dest`.
 * Returns the merged list, or undefined when it ends up absent.
 */
export function mergeAssociativeElements(
  sources: unknown[],
  valuesList: string[][],
  keys: string[],
  dest: unknown[],
  walkElement: ElementWalker,
): unknown[] | undefined {
  const added: unknown[] = [];
  const list = keys.length > 1 ? unifyKeyValues(valuesList) : valuesList;
  let lastKeys: string[] = keys;
  for (const values of list) {
    if (values.length === 0) continue;
    const [validKeys, validValues] = usableKeys(list, values, keys);
    lastKeys = validKeys;
    const merged = walkElement(sourcesForElement(sources, validKeys, validValues));
    if (isMissingOrNull(merged) || isEmptyMap(merged)) {
      setElement(dest, undefined, validKeys, validValues);
      continue;
    }
    validKeys.forEach((key, index) => {
      const value = validValues[index] ?? '';
      // A merged element keeps its identity: its key field is restored when the patch dropped it.
      if (isMap(merged) && !(key in merged) && value !== '') merged[key] = plainScalar(value);
    });
    setElement(added, merged, validKeys, validValues);
  }
  if (list.length === 0) return dest;
  // Patch elements come first; the remaining dest elements follow in their order.
  return appendElements(added, dest, lastKeys);
}
