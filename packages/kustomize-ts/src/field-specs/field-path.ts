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
  if (spec.kind && spec.kind !== object.kind) return false;
  // Called for every spec on every object: most specs name no group or version, so skip splitting apiVersion.
  if (!spec.group && !spec.version) return true;
  const { group, version } = splitApiVersion(object.apiVersion);
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
  walk(object, segmentsOf(path), 0, create, visit, path);
}

/** The few hundred field spec paths are walked for every object: split each once. */
const splitPaths = new Map<string, string[]>();

function segmentsOf(path: string): string[] {
  let segments = splitPaths.get(path);
  if (!segments) {
    segments = splitFieldPath(path);
    splitPaths.set(path, segments);
  }
  return segments;
}

function walk(
  node: unknown,
  segments: string[],
  at: number,
  create: boolean,
  visit: (parent: Container, key: string) => void,
  path: string,
): void {
  if (node === null || node === undefined) return;
  if (Array.isArray(node)) {
    for (const item of node) walk(item, segments, at, create, visit, path);
    return;
  }
  if (!isMap(node)) {
    if (at >= segments.length) return;
    throw new KustomizeError(`expected sequence or mapping node at field path '${path}'`);
  }
  const head = segments[at];
  if (head === undefined) return;
  const isList = head.endsWith('[]');
  const key = isList ? head.slice(0, -2) : head;
  if (at === segments.length - 1) {
    if (!(key in node) || node[key] === null) {
      if (!create) return;
    }
    visit(node, key);
    return;
  }
  let child = node[key];
  if (child === undefined || child === null) {
    // kustomize creates missing maps on the way, never a missing list (`volumeClaimTemplates[]` stays absent).
    if (!create || isList) return;
    child = {};
    node[key] = child;
  }
  walk(child, segments, at + 1, create, visit, path);
}
