// Walks a field spec path (`spec/template/metadata/labels`, `spec/containers[]/image`) through an object,
// going into every element of a list on the way, as kustomize's field spec filter does.
import { KustomizeError } from '../errors.ts';
import { splitApiVersion } from '../resource.ts';
import type { FieldSpec, KObject } from '../types.ts';

/** Splits on `/`, keeping `\/` as a literal slash inside a segment. */
export function splitFieldPath(path: string): string[] {
  const segments: string[] = [];
  let current = '';
  for (let i = 0; i < path.length; i++) {
    const char = path[i];
    if (char === '\\' && path[i + 1] === '/') {
      current += '/';
      i++;
    } else if (char === '/') {
      segments.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  segments.push(current);
  return segments.filter((segment) => segment !== '');
}

/** True when the spec's group/version/kind (each optional) select the object. */
export function fieldSpecApplies(spec: FieldSpec, object: KObject): boolean {
  const { group, version } = splitApiVersion(object.apiVersion);
  if (spec.kind && spec.kind !== object.kind) return false;
  if (spec.group && spec.group !== group) return false;
  if (spec.version && spec.version !== version) return false;
  return true;
}

export type CreateKind = 'map' | 'scalar' | 'none';

type Container = Record<string, unknown>;

function isMap(value: unknown): value is Container {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Calls `visit(parent, key)` for every place the path reaches. With `create`, missing maps on the
 * way are made, and the final field is made when `createLeaf` says what it holds.
 */
export function visitFieldPath(
  object: KObject,
  path: string,
  create: boolean,
  visit: (parent: Container, key: string) => void,
): void {
  walk(object, splitFieldPath(path), create, visit, path);
}

function walk(node: unknown, segments: string[], create: boolean, visit: (parent: Container, key: string) => void, path: string): void {
  if (node === null || node === undefined) return;
  if (Array.isArray(node)) {
    for (const item of node) walk(item, segments, create, visit, path);
    return;
  }
  if (!isMap(node)) {
    if (segments.length === 0) return;
    throw new KustomizeError(`expected sequence or mapping node at field path '${path}'`);
  }
  const [head, ...rest] = segments;
  if (head === undefined) return;
  const isList = head.endsWith('[]');
  const key = isList ? head.slice(0, -2) : head;
  if (rest.length === 0) {
    if (!(key in node) || node[key] === null) {
      if (!create) return;
    }
    visit(node, key);
    return;
  }
  let child = node[key];
  if (child === undefined || child === null) {
    if (!create) return;
    child = isList ? [] : {};
    node[key] = child;
  }
  walk(child, rest, create, visit, path);
}
