// RFC 6902 JSON patch with the leniencies and messages of the json-patch library kustomize uses.
//
// Observed kustomize behaviour kept here: `replace` of a missing object key adds it; `copy` from a
// missing object key copies null; negative array indices count from the end; `-` appends on add.
import { isDeepStrictEqual } from 'node:util';
import type { KObject } from '../types.ts';
import { PatchError } from './patch-error.ts';
import { deepCopy, isMap } from './yaml-nodes.ts';

type Container = Record<string, unknown> | unknown[];

type Operation = { op: string; path?: unknown; from?: unknown; value?: unknown };

/** Applies JSON patch operations to a copy of `target`; `source` names the patch in error messages. */
export function applyJson6902Patch(target: KObject, operations: unknown[], source: string): KObject {
  const document: { root: unknown } = { root: deepCopy(target) };
  for (const raw of operations) {
    const operation = toOperation(raw, source);
    try {
      applyOperation(document, operation);
    } catch (error) {
      if (error instanceof JsonPatchFailure) throw new PatchError(`${source}: ${error.message}`);
      throw error;
    }
  }
  if (!isMap(document.root)) throw new PatchError(`${source}: the patched object is no longer a map`);
  return document.root as KObject;
}

class JsonPatchFailure extends Error {}

function toOperation(raw: unknown, source: string): Operation {
  if (!isMap(raw) || typeof raw['op'] !== 'string') {
    throw new PatchError(`${source}: a JSON patch operation needs an "op": ${JSON.stringify(raw)}`);
  }
  return raw as Operation;
}

function applyOperation(document: { root: unknown }, operation: Operation): void {
  switch (operation.op) {
    case 'add':
      return add(document, pathOf(operation, 'path'), deepCopy(operation.value) ?? null);
    case 'remove':
      remove(document, pathOf(operation, 'path'), 'remove');
      return;
    case 'replace':
      return replace(document, pathOf(operation, 'path'), deepCopy(operation.value) ?? null);
    case 'move': {
      const from = pathOf(operation, 'from');
      const to = pathOf(operation, 'path');
      const moved = remove(document, from, 'move');
      return add(document, to, moved);
    }
    case 'copy': {
      const from = pathOf(operation, 'from');
      return add(document, pathOf(operation, 'path'), deepCopy(read(document, from, 'copy')) ?? null);
    }
    case 'test': {
      const path = pathOf(operation, 'path');
      const actual = read(document, path, 'test');
      if (!isDeepStrictEqual(normalize(actual ?? null), normalize(operation.value ?? null))) {
        throw new JsonPatchFailure(`testing value ${path} failed: test failed`);
      }
      return;
    }
    default:
      throw new JsonPatchFailure(`Unexpected kind: ${operation.op}`);
  }
}

function pathOf(operation: Operation, field: 'path' | 'from'): string {
  const value = operation[field];
  if (typeof value !== 'string')
    throw new JsonPatchFailure(`${operation.op} operation failed to decode ${field}: missing value`);
  return value;
}

/** Splits a JSON pointer into unescaped tokens (`~1` is `/`, `~0` is `~`). */
function tokens(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(pointer.startsWith('/') ? 1 : 0)
    .split('/')
    .map((token) => token.replaceAll('~1', '/').replaceAll('~0', '~'));
}

function isContainer(value: unknown): value is Container {
  return Array.isArray(value) || isMap(value);
}

/** The container holding the pointer's last token, or undefined when the path leading to it is missing. */
function parentOf(document: { root: unknown }, pointer: string): { parent: Container; key: string } | undefined {
  const parts = tokens(pointer);
  const key = parts.pop();
  if (key === undefined) return undefined;
  let current: unknown = document.root;
  for (const part of parts) {
    if (Array.isArray(current)) {
      const index = arrayIndex(part);
      current = index === undefined || index < 0 ? undefined : current[index];
    } else if (isMap(current)) {
      current = current[part];
    } else {
      return undefined;
    }
  }
  return isContainer(current) ? { parent: current, key } : undefined;
}

function arrayIndex(token: string): number | undefined {
  return /^-?[0-9]+$/.test(token) ? Number(token) : undefined;
}

function invalidIndex(op: string, pointer: string, token: string): JsonPatchFailure {
  return new JsonPatchFailure(
    `error in ${op} for path: '${pointer}': Unable to access invalid index: ${token}: invalid index referenced`,
  );
}

function add(document: { root: unknown }, pointer: string, value: unknown): void {
  const location = parentOf(document, pointer);
  if (!location)
    throw new JsonPatchFailure(`add operation does not apply: doc is missing path: "${pointer}": missing value`);
  const { parent, key } = location;
  if (!Array.isArray(parent)) {
    parent[key] = value;
    return;
  }
  if (key === '-') {
    parent.push(value);
    return;
  }
  const index = arrayIndex(key);
  if (index === undefined) {
    throw new JsonPatchFailure(`error in add for path: '${pointer}': strconv.Atoi: parsing "${key}": invalid syntax`);
  }
  if (index > parent.length || index < -parent.length - 1) throw invalidIndex('add', pointer, key);
  parent.splice(index < 0 ? index + parent.length + 1 : index, 0, value);
}

function remove(document: { root: unknown }, pointer: string, op: 'remove' | 'move'): unknown {
  const location = parentOf(document, pointer);
  if (!location)
    throw new JsonPatchFailure(`${op} operation does not apply: doc is missing path: "${pointer}": missing value`);
  const { parent, key } = location;
  // The library names the whole path for remove, only the key for move.
  const shown = op === 'remove' ? pointer : key;
  if (!Array.isArray(parent)) {
    if (!(key in parent)) {
      throw new JsonPatchFailure(
        `error in ${op} for path: '${shown}': Unable to remove nonexistent key: ${key}: missing value`,
      );
    }
    const removed = parent[key];
    delete parent[key];
    return removed;
  }
  const index = arrayIndex(key);
  if (index === undefined) {
    throw new JsonPatchFailure(`error in ${op} for path: '${shown}': strconv.Atoi: parsing "${key}": invalid syntax`);
  }
  if (index >= parent.length || index < -parent.length) throw invalidIndex(op, shown, key);
  return parent.splice(index < 0 ? index + parent.length : index, 1)[0];
}

function replace(document: { root: unknown }, pointer: string, value: unknown): void {
  const location = parentOf(document, pointer);
  if (!location)
    throw new JsonPatchFailure(`replace operation does not apply: doc is missing path: ${pointer}: missing value`);
  const { parent, key } = location;
  if (!Array.isArray(parent)) {
    parent[key] = value;
    return;
  }
  const index = arrayIndex(key);
  const position = index === undefined ? -1 : index < 0 ? index + parent.length : index;
  if (position < 0 || position >= parent.length) {
    throw new JsonPatchFailure(`replace operation does not apply: doc is missing key: ${pointer}: missing value`);
  }
  parent[position] = value;
}

function read(document: { root: unknown }, pointer: string, op: string): unknown {
  if (pointer === '') return document.root;
  const location = parentOf(document, pointer);
  if (!location)
    throw new JsonPatchFailure(`${op} operation does not apply: doc is missing from path: ${pointer}: missing value`);
  const { parent, key } = location;
  if (!Array.isArray(parent)) return parent[key];
  const index = arrayIndex(key);
  if (index === undefined || index >= parent.length || index < -parent.length) throw invalidIndex(op, pointer, key);
  return parent[index < 0 ? index + parent.length : index];
}

/** JSON equality ignores map key order. */
function normalize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalize);
  if (isMap(value)) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, normalize(value[key])]),
    );
  }
  return value;
}
