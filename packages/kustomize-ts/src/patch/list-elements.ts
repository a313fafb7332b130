// Finding, replacing and appending elements of YAML lists by key fields, with kyaml's exact matching rules.
import { stringify } from 'yaml';
import { PatchError } from './patch-error.ts';
import { isEmptyMap, isMap, isMissingOrNull, isNilOrEmpty, nodeKind, scalarText } from './yaml-nodes.ts';

/**
 * kyaml's FieldMatcher{Name, StringValue}: an empty expected value only asks for the field to exist;
 * an empty name compares a scalar element itself.
 */
function fieldMatches(element: unknown, name: string, expected: string): boolean {
  if (isMissingOrNull(element)) return false;
  if (name === '') {
    if (nodeKind(element) !== 'ScalarNode') throw wrongKind('ScalarNode', element);
    return scalarText(element) === expected;
  }
  if (!isMap(element)) throw wrongKind('MappingNode', element);
  if (!(name in element)) return false;
  return expected === '' || scalarText(element[name]) === expected;
}

function wrongKind(expected: string, element: unknown): PatchError {
  return new PatchError(
    `wrong node kind: expected ${expected} but got ${nodeKind(element)}: node contents:\n${stringify(element)}`,
  );
}

/**
 * kyaml's ElementSetter: replaces the elements matching keys=values with `element` (or removes them when
 * `element` is undefined), appends it when nothing matched, and drops null or empty elements on the way.
 * Mutates `list` in place.
 */
export function setElement(list: unknown[], element: unknown, keys: string[], values: string[]): void {
  const matchKeys = keys.length === 0 ? [''] : keys;
  const settingMapping = matchKeys[0] !== '' && values.length > 0 && values[0] !== '';
  const kept: unknown[] = [];
  let matchedAny = false;
  for (const current of list) {
    if (isMissingOrNull(current) || isEmptyMap(current)) continue;
    if (!isMap(current) && settingMapping) {
      kept.push(current);
      continue;
    }
    // Keys beyond the given values reuse the previous key's outcome, as kyaml does.
    let matched = false;
    let found = true;
    for (let index = 0; index < matchKeys.length; index++) {
      const value = values[index];
      if (value !== undefined) matched = fieldMatches(current, matchKeys[index] ?? '', value);
      if (!matched) {
        found = false;
        break;
      }
    }
    if (!found) {
      if (values.length > 0) kept.push(current);
      continue;
    }
    matchedAny = true;
    if (element === undefined) continue;
    kept.push(element);
  }
  list.splice(0, list.length, ...kept);
  if (isMissingOrNull(element)) return;
  if (!matchedAny) list.push(element);
}

/** kyaml's ElementList: the first mapping element whose every key field has exactly the given text. */
export function findElement(list: unknown, keys: string[], values: string[]): unknown {
  if (!Array.isArray(list)) return undefined;
  if (keys.length === 0 || keys[0] === '') {
    const wanted = values[0] ?? '';
    return list.find((element) => scalarText(element) === wanted);
  }
  if (keys.length !== values.length) {
    throw new PatchError('length of keys must equal length of values when MatchAnyValue is false');
  }
  return list.find(
    (element) =>
      isMap(element) && keys.every((key, index) => key in element && scalarText(element[key]) === values[index]),
  );
}

/** kyaml's ElementValuesList: for each element, the text of each key field ('' when absent or empty). */
export function elementKeyValues(list: unknown, keys: string[]): string[][] {
  if (!Array.isArray(list)) return [];
  return list.map((element) =>
    keys.map((key) => {
      const field = isMap(element) ? element[key] : undefined;
      return isNilOrEmpty(field) ? '' : scalarText(field);
    }),
  );
}

/** kyaml's appendListNode: merges `source` elements into `target` by keys (replace when matched, else append). */
export function appendElements(target: unknown[], source: unknown[], keys: string[]): unknown[] {
  for (const element of [...source]) {
    if (keys[0] === '') {
      setElement(target, element, [''], [scalarText(element)]);
      continue;
    }
    const values: string[] = [];
    for (const key of keys) {
      if (isMissingOrNull(element)) {
        target.push(element);
        continue;
      }
      if (!isMap(element)) throw wrongKind('MappingNode', element);
      // An element without the key is appended as is (and, like kyaml, still set below).
      if (!(key in element)) {
        target.push(element);
        continue;
      }
      values.push(scalarText(element[key]));
    }
    // With several keys a plain set could append a duplicate, so matching elements go first.
    if (keys.length > 1) setElement(target, undefined, keys, values);
    setElement(target, element, keys, values);
  }
  return target;
}
