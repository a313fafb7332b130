// kustomize's `replacements`: copy one field of one resource into fields of selected resources.
import { parse } from 'yaml';
import { PatchError } from './patch/patch-error.ts';
import {
  deepCopy,
  isMap,
  isMissingOrNull,
  isNilOrEmpty,
  nodeKind,
  plainScalar,
  scalarText,
} from './patch/yaml-nodes.ts';
import { lookupField, matchFields, readSlot, splitFieldPath, writeSlot } from './replacements/field-path.ts';
import type { CreateKind, FieldSlot } from './replacements/field-path.ts';
import { matchesSelector } from './replacements/label-selector.ts';
import { describeId, isEmptySelector, isSelectedBy, resourceIds } from './replacements/resource-id.ts';
import type { ResourceId } from './replacements/resource-id.ts';
import type {
  FieldOptions,
  KObject,
  Replacement,
  ReplacementSource,
  ReplacementSpec,
  ReplacementTarget,
  Target,
} from './types.ts';

const defaultFieldPath = 'metadata.name';

/** Every id an object is known by: current first, then ids from before renames (prefix, suffix, patches). */
export type IdsOf = (object: KObject) => ResourceId[];

/**
 * Applies each replacement in order, changing `resources` in place. Sources and targets are also found
 * by earlier names when `idsOf` reports them (by default, from kustomize's previous-id annotations).
 */
export function applyReplacements(resources: KObject[], replacements: Replacement[], idsOf: IdsOf = resourceIds): void {
  for (const replacement of replacements) {
    if (!replacement.source || !replacement.targets) {
      throw new PatchError('replacements must specify a source and at least one target');
    }
    const value = sourceValue(resources, replacement.source, idsOf);
    for (const target of replacement.targets) applyToTargets(resources, value, target, idsOf);
  }
}

/**
 * Turns `replacements:` entries into replacements, reading `path:` entries with `readFile`; a file holds
 * a list of replacements or a single one.
 */
export function resolveReplacementSpecs(specs: ReplacementSpec[], readFile: (path: string) => string): Replacement[] {
  const resolved: Replacement[] = [];
  for (const spec of specs) {
    if (!spec.path) {
      resolved.push(spec);
      continue;
    }
    if (spec.source || (spec.targets && spec.targets.length > 0)) {
      throw new PatchError('cannot specify both path and inline replacement');
    }
    const content: unknown = parse(readFile(spec.path));
    if (Array.isArray(content)) resolved.push(...(content as Replacement[]));
    else if (isMap(content)) resolved.push(content as Replacement);
    else throw new PatchError(`${spec.path}: expected a replacement or a list of replacements`);
  }
  return resolved;
}

function sourceValue(resources: KObject[], source: ReplacementSource, idsOf: IdsOf): unknown {
  const selector = {
    group: source.group,
    version: source.version,
    kind: source.kind,
    name: source.name,
    namespace: source.namespace,
  };
  const matches = resources.filter((resource) => idsOf(resource).some((id) => isSelectedBy(id, selector)));
  if (matches.length > 1) throw new PatchError(`multiple matches for selector ${describeId(selector)}`);
  const [resource] = matches;
  if (!resource) throw new PatchError(`nothing selected by ${describeId(selector)}`);
  const fieldPath = source.fieldPath || defaultFieldPath;
  const value = lookupField(resource, splitFieldPath(fieldPath));
  if (isNilOrEmpty(value)) {
    throw new PatchError(`fieldPath \`${fieldPath}\` is missing for replacement source ${describeId(selector)}`);
  }
  return refineSourceValue(value, source.options);
}

function refineSourceValue(value: unknown, options: FieldOptions | undefined): unknown {
  if (!options?.delimiter) return value;
  if (nodeKind(value) !== 'ScalarNode') throw new PatchError('delimiter option can only be used with scalar nodes');
  const parts = scalarText(value).split(options.delimiter);
  const index = options.index ?? 0;
  const part = parts[index];
  if (part === undefined || index < 0) {
    throw new PatchError(`options.index ${index} is out of bounds for value ${scalarText(value)}`);
  }
  return part;
}

function applyToTargets(resources: KObject[], value: unknown, target: ReplacementTarget, idsOf: IdsOf): void {
  if (!target.select) throw new PatchError('target must specify resources to select');
  const fieldPaths = target.fieldPaths && target.fieldPaths.length > 0 ? target.fieldPaths : [defaultFieldPath];
  for (const resource of resources) {
    if (!selectedByLabelsAndAnnotations(resource, target)) continue;
    const ids = idsOf(resource);
    // A reject by id drops the resource if any of its ids, earlier names included, matches.
    const rejected = (target.reject ?? []).some(
      (reject) => !isEmptySelector(reject) && ids.some((id) => isSelectedBy(id, reject)),
    );
    const selected = !rejected && ids.some((id) => isSelectedBy(id, target.select ?? {}));
    if (selected) copyValueToTarget(resource, value, fieldPaths, target.options);
  }
}

function matchesLabelsAndAnnotations(resource: KObject, selector: Target): boolean {
  if (selector.labelSelector && !matchesSelector(selector.labelSelector, resource.metadata?.labels)) return false;
  if (selector.annotationSelector && !matchesSelector(selector.annotationSelector, resource.metadata?.annotations))
    return false;
  return true;
}

function selectedByLabelsAndAnnotations(resource: KObject, target: ReplacementTarget): boolean {
  if (!matchesLabelsAndAnnotations(resource, target.select ?? {})) return false;
  // A reject with label or annotation selectors drops every resource it matches.
  return !(target.reject ?? []).some(
    (reject) => (reject.labelSelector || reject.annotationSelector) && matchesLabelsAndAnnotations(resource, reject),
  );
}

function copyValueToTarget(
  resource: KObject,
  value: unknown,
  fieldPaths: string[],
  options: FieldOptions | undefined,
): void {
  const create: CreateKind = options?.create ? nodeKind(value) : undefined;
  for (const fieldPath of fieldPaths) {
    const problem = create
      ? `unable to find or create field "${fieldPath}" in replacement target`
      : `unable to find field "${fieldPath}" in replacement target`;
    let slots: FieldSlot[];
    try {
      slots = matchFields(resource as Record<string, unknown>, splitFieldPath(fieldPath), create);
    } catch (error) {
      throw new PatchError(`${problem}: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (slots.length === 0) throw new PatchError(problem);
    for (const slot of slots) setFieldValue(slot, value, options);
  }
}

function setFieldValue(slot: FieldSlot, value: unknown, options: FieldOptions | undefined): void {
  const current = readSlot(slot);
  let text = scalarText(value);
  if (options?.delimiter) {
    if (nodeKind(current) !== 'ScalarNode') throw new PatchError('delimiter option can only be used with scalar nodes');
    const parts = scalarText(current).split(options.delimiter);
    const index = options.index ?? 0;
    if (index < 0) parts.unshift(text);
    else if (index >= parts.length) parts.push(text);
    else parts[index] = text;
    text = parts.join(options.delimiter);
    value = text;
  }
  if (nodeKind(current) !== 'ScalarNode') {
    writeSlot(slot, deepCopy(value));
    return;
  }
  // A scalar target keeps its own type and takes only the text, as kustomize does.
  writeSlot(slot, retypedScalar(current, text, slot.created));
}

function yamlTag(text: string): string {
  const value = plainScalar(text);
  if (typeof value === 'number') return Number.isInteger(value) && !/[.eE]/.test(text) ? '!!int' : '!!float';
  if (typeof value === 'boolean') return '!!bool';
  if (value === null) return '!!null';
  return '!!str';
}

function retypedScalar(current: unknown, text: string, created: boolean): unknown {
  if (created || isMissingOrNull(current)) return plainScalar(text);
  if (typeof current === 'string') return text;
  const wanted = typeof current === 'boolean' ? '!!bool' : Number.isInteger(current) ? '!!int' : '!!float';
  const tag = yamlTag(text);
  const compatible = tag === wanted || (wanted === '!!float' && tag === '!!int');
  if (!compatible) throw new PatchError(`cannot decode ${tag} \`${text}\` as a ${wanted}`);
  return plainScalar(text);
}
