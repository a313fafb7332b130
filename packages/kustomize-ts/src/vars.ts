// kustomize's deprecated `vars`: `$(NAME)` in the fields kustomize lists is replaced by a field of a named object.
import { PatchError } from './patch/patch-error.ts';
import { isMap, isMissingOrNull } from './patch/yaml-nodes.ts';
import { lookupField, splitFieldPath } from './replacements/field-path.ts';
import { resourceIds, splitApiVersion } from './replacements/resource-id.ts';
import type { ResourceId } from './replacements/resource-id.ts';
import type { FieldSpec, KObject, Var } from './types.ts';
import { VAR_REFERENCE_FIELD_SPECS } from './vars/var-reference-field-specs.ts';

/** Every id an object is known by (current first, then ids from before renames). */
export type IdsOf = (object: KObject) => ResourceId[];

const defaultFieldPath = 'metadata.name';

/**
 * Resolves `vars` against `resources` and substitutes `$(NAME)` in kustomize's var reference fields plus
 * `extraFieldSpecs` (a kustomization's `configurations:` varReference), in place.
 * A reference to an unknown var is left as it is; `$$` stands for a literal `$`.
 */
export function resolveVars(
  resources: KObject[],
  vars: Var[],
  extraFieldSpecs: FieldSpec[] = [],
  idsOf: IdsOf = resourceIds,
  holderOf?: (variable: Var) => KObject | undefined,
): void {
  if (vars.length === 0) return;
  rejectDuplicates(vars);
  const values = new Map<string, unknown>();
  for (const variable of vars) values.set(variable.name, varValue(resources, variable, idsOf, holderOf));
  const fieldSpecs: FieldSpec[] = [...VAR_REFERENCE_FIELD_SPECS, ...extraFieldSpecs];
  for (const resource of resources) {
    const { group, version } = splitApiVersion(resource.apiVersion);
    for (const spec of fieldSpecs) {
      if (spec.kind && spec.kind !== resource.kind) continue;
      if (spec.group && spec.group !== group) continue;
      if (spec.version && spec.version !== version) continue;
      substituteAt(
        resource,
        spec.path.split('/').filter((segment) => segment !== ''),
        values,
      );
    }
  }
}

function objrefGvk(variable: Var): { group: string; version: string; kind: string } {
  const { objref } = variable;
  const fromApiVersion = objref.apiVersion ? splitApiVersion(objref.apiVersion) : undefined;
  return {
    group: fromApiVersion?.group ?? objref.group ?? '',
    version: fromApiVersion?.version ?? objref.version ?? '',
    kind: objref.kind ?? '',
  };
}

/** kustomize prints a var as `{NAME Kind.version.group {fieldpath}}` (apiVersion unparsed while merging). */
function describeVar(variable: Var, fieldPath: string, apiVersionParsed = true): string {
  const { group, version, kind } = apiVersionParsed
    ? objrefGvk(variable)
    : { group: variable.objref.group ?? '', version: variable.objref.version ?? '', kind: variable.objref.kind ?? '' };
  return `{${variable.name} ${kind || '[noKind]'}.${version || '[noVer]'}.${group || '[noGrp]'} {${fieldPath}}}`;
}

function rejectDuplicates(vars: Var[]): void {
  const seen = new Set<string>();
  for (const variable of vars) {
    if (seen.has(variable.name)) {
      const all = vars.map((v) => describeVar(v, v.fieldref?.fieldpath ?? '', false)).join(' ');
      throw new PatchError(`merging vars [${all}]: var '${variable.name}' already encountered`);
    }
    seen.add(variable.name);
  }
}

/**
 * The objects a var's objref names, by any id they had (kustomize matches a var against the resources of the
 * kustomization that declares it, where it must be unique).
 */
export function objectsMatchingVar(resources: KObject[], variable: Var, idsOf: IdsOf = resourceIds): KObject[] {
  const fieldPath = variable.fieldref?.fieldpath || defaultFieldPath;
  const matches = matchingVar(resources, variable, idsOf);
  if (matches.length > 1) {
    throw new PatchError(
      `found ${matches.length} resId matches for var ${describeVar(variable, fieldPath)} (unable to disambiguate)`,
    );
  }
  return matches;
}

function matchingVar(resources: KObject[], variable: Var, idsOf: IdsOf): KObject[] {
  const gvk = objrefGvk(variable);
  const name = variable.objref.name ?? '';
  const namespace = variable.objref.namespace ?? '';
  // Group, version, kind and name must be equal; the namespace only when the var names one.
  return resources.filter((resource) =>
    idsOf(resource).some(
      (id) =>
        id.group === gvk.group &&
        id.version === gvk.version &&
        id.kind === gvk.kind &&
        id.name === name &&
        (namespace === '' || sameNamespace(id.namespace, namespace)),
    ),
  );
}

function varValue(
  resources: KObject[],
  variable: Var,
  idsOf: IdsOf,
  holderOf?: (variable: Var) => KObject | undefined,
): unknown {
  const fieldPath = variable.fieldref?.fieldpath || defaultFieldPath;
  const matches = holderOf
    ? [holderOf(variable)].filter((object) => object !== undefined)
    : matchingVar(resources, variable, idsOf);
  if (matches.length > 1) {
    throw new PatchError(
      `found ${matches.length} resId matches for var ${describeVar(variable, fieldPath)} (unable to disambiguate)`,
    );
  }
  const [resource] = matches;
  if (!resource) {
    throw new PatchError(
      `var '${describeVar(variable, fieldPath)}' cannot be mapped to a field in the set of known resources`,
    );
  }
  const value = lookupField(resource, fieldPathParts(fieldPath));
  if (isMissingOrNull(value)) {
    throw new PatchError(
      `field specified in var '${describeVar(variable, fieldPath)}' not found in corresponding resource`,
    );
  }
  return value;
}

function sameNamespace(a: string, b: string): boolean {
  const effective = (namespace: string): string => (namespace === '' ? 'default' : namespace);
  return effective(a) === effective(b);
}

/** `spec.ports[0].port` reads as spec, ports, 0, port. */
function fieldPathParts(fieldPath: string): string[] {
  return splitFieldPath(fieldPath).flatMap((part) => {
    const indexed = /^([^[]+)\[([0-9]+)\]$/.exec(part);
    return indexed ? [indexed[1] ?? '', indexed[2] ?? ''] : [part];
  });
}

function substituteAt(node: unknown, path: string[], values: Map<string, unknown>): void {
  if (Array.isArray(node)) {
    for (const element of node) substituteAt(element, path, values);
    return;
  }
  if (!isMap(node)) return;
  const [segment, ...rest] = path;
  if (segment === undefined || !(segment in node)) return;
  if (rest.length > 0) {
    substituteAt(node[segment], rest, values);
    return;
  }
  node[segment] = substituteIn(node[segment], values);
}

/** Strings are expanded; in lists and maps, each string item or value is. */
function substituteIn(value: unknown, values: Map<string, unknown>): unknown {
  if (typeof value === 'string') return expand(value, values);
  if (Array.isArray(value)) return value.map((item) => (typeof item === 'string' ? expand(item, values) : item));
  if (isMap(value)) {
    for (const [key, item] of Object.entries(value)) if (typeof item === 'string') value[key] = expand(item, values);
  }
  return value;
}

/**
 * Kubernetes' `$(VAR)` expansion: `$$` is a literal `$`, unknown or unterminated references stay as
 * written, and a string that is exactly one reference takes the var's own type (e.g. a port number).
 */
export function expand(input: string, values: Map<string, unknown>): unknown {
  const whole = /^\$\(([^)]*)\)$/.exec(input);
  if (whole && values.has(whole[1] ?? '')) {
    const value = values.get(whole[1] ?? '');
    return typeof value === 'object' ? input : value;
  }
  let output = '';
  for (let cursor = 0; cursor < input.length; cursor++) {
    const character = input[cursor];
    if (character !== '$' || cursor + 1 >= input.length) {
      output += character;
      continue;
    }
    const next = input[cursor + 1];
    if (next === '$') {
      output += '$';
      cursor += 1;
    } else if (next === '(') {
      const close = input.indexOf(')', cursor + 2);
      if (close < 0) {
        output += '$(';
        cursor += 1;
        continue;
      }
      const name = input.slice(cursor + 2, close);
      output += values.has(name) ? String(values.get(name)) : `$(${name})`;
      cursor = close;
    } else {
      output += `$${next}`;
      cursor += 1;
    }
  }
  return output;
}
