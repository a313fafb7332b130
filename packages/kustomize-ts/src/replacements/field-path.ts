// Field paths as kustomize's replacements read them: `a.b.[name=x].c`, `0`, `*`, `[=regex]`, `[dotted.key]`.
import { stringify } from 'yaml';
import { PatchError } from '../patch/patch-error.ts';
import { isMap, isMissingOrNull, nodeKind, plainScalar, scalarText } from '../patch/yaml-nodes.ts';

/** A place holding a value: reading and writing go through the parent container. */
export type FieldSlot = {
  parent: Record<string, unknown> | unknown[];
  key: string | number;
  /** Set when the path walk created this (empty) leaf. */
  created: boolean;
};

export function readSlot(slot: FieldSlot): unknown {
  return Array.isArray(slot.parent) ? slot.parent[slot.key as number] : slot.parent[slot.key as string];
}

export function writeSlot(slot: FieldSlot, value: unknown): void {
  if (Array.isArray(slot.parent)) slot.parent[slot.key as number] = value;
  else slot.parent[slot.key as string] = value;
}

/** kustomize's SmarterPathSplitter: dots split, `\.` escapes, `[..]` spans dots (kept if it has `=`). */
export function splitFieldPath(path: string): string[] {
  const raw = path.split('.');
  if (raw.length > 1 && raw[0] === '') raw.shift();
  const pieces: string[] = [];
  for (const piece of raw) {
    const last = pieces.length - 1;
    if (last >= 0 && pieces[last]?.endsWith('\\')) pieces[last] = `${pieces[last]?.slice(0, -1)}.${piece}`;
    else pieces.push(piece);
  }
  const parts: string[] = [];
  for (let index = 0; index < pieces.length; index++) {
    const piece = pieces[index] ?? '';
    if (!piece.startsWith('[') || piece.endsWith(']')) {
      parts.push(piece);
      continue;
    }
    const bracketed = [piece];
    while (index < pieces.length - 1) {
      index++;
      const next = pieces[index] ?? '';
      bracketed.push(next);
      if (next.endsWith(']')) break;
    }
    const joined = bracketed.join('.');
    parts.push(joined.includes('=') ? joined : joined.replace(/^\[+|\]+$/g, ''));
  }
  return parts;
}

function isListEntry(part: string): boolean {
  return part.startsWith('[') && part.endsWith(']');
}

function splitListEntry(part: string): [string, string] {
  const inner = part.slice(1, -1);
  const equals = inner.indexOf('=');
  if (equals < 0) throw new PatchError('list path element must contain fieldName=fieldValue for element to match');
  return [inner.slice(0, equals), inner.slice(equals + 1)];
}

function wrongKind(expected: string, value: unknown): PatchError {
  return new PatchError(
    `wrong node kind: expected ${expected} but got ${nodeKind(value)}: node contents:\n${stringify(value)}`,
  );
}

/** kyaml's Lookup (used for replacement sources): exact `[k=v]` matches, `-` is the last element. */
export function lookupField(root: unknown, parts: string[]): unknown {
  let current = root;
  for (const part of parts.map((p) => p.trim()).filter((p) => p !== '')) {
    if (isMissingOrNull(current)) return undefined;
    if (/^-?[0-9]+$/.test(part) || part === '-') {
      if (!Array.isArray(current)) throw wrongKind('SequenceNode', current);
      const index = part === '-' ? current.length - 1 : Number(part);
      if (index < 0 && part !== '-') throw new PatchError(`array index ${index} cannot be negative`);
      current = current[index];
    } else if (isListEntry(part)) {
      const [name, value] = splitListEntry(part);
      if (!Array.isArray(current)) throw wrongKind('SequenceNode', current);
      current = current.find((element) =>
        name === ''
          ? scalarText(element) === value
          : isMap(element) && name in element && scalarText(element[name]) === value,
      );
    } else {
      if (!isMap(current)) throw wrongKind('MappingNode', current);
      current = current[part];
    }
  }
  return current;
}

export type CreateKind = 'MappingNode' | 'SequenceNode' | 'ScalarNode' | undefined;

function emptyNodeFor(nextPart: string | undefined, create: CreateKind): unknown {
  if (nextPart === undefined) {
    if (create === 'SequenceNode') return [];
    if (create === 'MappingNode') return {};
    return null;
  }
  if (isListEntry(nextPart) || /^[0-9]+$/.test(nextPart)) return [];
  return {};
}

/**
 * kyaml's PathMatcher (used for replacement targets): every field the path reaches; `[k=v]` matches v
 * as an unanchored regular expression; `*` takes every element; with `create`, missing parts are added.
 */
export function matchFields(root: Record<string, unknown>, parts: string[], create: CreateKind): FieldSlot[] {
  const holder = { root };
  return matchFrom({ parent: holder, key: 'root', created: false }, parts, create);
}

function matchFrom(slot: FieldSlot, parts: string[], create: CreateKind): FieldSlot[] {
  const [part, ...rest] = parts;
  if (part === undefined) return [slot];
  const node = readSlot(slot);
  if (/^[0-9]+$/.test(part)) return matchIndex(node, Number(part), rest, create);
  if (isListEntry(part)) return matchEntries(node, part, rest, create);
  if (part === '*') {
    if (isMissingOrNull(node)) return [];
    if (!Array.isArray(node)) throw wrongKind('SequenceNode', node);
    return node.flatMap((_element, index) => matchFrom({ parent: node, key: index, created: false }, rest, create));
  }
  if (isMissingOrNull(node)) return [];
  if (!isMap(node)) throw wrongKind('MappingNode', node);
  if (!(part in node)) {
    if (!create) return [];
    node[part] = emptyNodeFor(rest[0], create);
    return matchFrom({ parent: node, key: part, created: rest.length === 0 }, rest, create);
  }
  return matchFrom({ parent: node, key: part, created: false }, rest, create);
}

function matchIndex(node: unknown, index: number, rest: string[], create: CreateKind): FieldSlot[] {
  if (!Array.isArray(node)) throw wrongKind('SequenceNode', node);
  let created = false;
  if (node.length === index && create) {
    node.push(emptyNodeFor(rest[0], create));
    created = rest.length === 0;
  }
  if (node.length < index + 1) throw new PatchError(`index ${index} specified but only ${node.length} elements found`);
  return matchFrom({ parent: node, key: index, created }, rest, create);
}

function matchEntries(node: unknown, part: string, rest: string[], create: CreateKind): FieldSlot[] {
  const [name, pattern] = splitListEntry(part);
  if (!Array.isArray(node)) throw wrongKind('SequenceNode', node);
  const regex = new RegExp(pattern);
  const matches: FieldSlot[] = [];
  node.forEach((element, index) => {
    if (name === '') {
      if (regex.test(scalarText(element).trim())) matches.push({ parent: node, key: index, created: false });
      return;
    }
    if (!isMap(element) || !(name in element) || !regex.test(scalarText(element[name]).trim())) return;
    matches.push(...matchFrom({ parent: node, key: index, created: false }, rest, create));
  });
  if (matches.length > 0 || !create) return matches;
  // Nothing matched: create the element the selector describes, then match again.
  node.push(name === '' ? plainScalar(pattern) : { [name]: plainScalar(pattern) });
  return matchEntries(node, part, rest, create);
}
