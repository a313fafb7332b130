// Checks a CRD file against the rules the API server and Fluxion's conventions impose, before a cluster sees it.
import type { CrdManifest, JsonSchema } from './crd-manifest.ts';

const readyStatusPath = '.status.conditions[?(@.type=="Ready")].status';
const readyMessagePath = '.status.conditions[?(@.type=="Ready")].message';

/** Every problem found, as `<where>: <what>`; empty when the CRD is fine. */
export function lintCrd(crd: CrdManifest, file: { group: string; name: string }): string[] {
  const problems: string[] = [];
  const { group, names, versions } = crd.spec;
  if (crd.apiVersion !== 'apiextensions.k8s.io/v1' || crd.kind !== 'CustomResourceDefinition') {
    problems.push('not an apiextensions.k8s.io/v1 CustomResourceDefinition');
  }
  if (crd.metadata.name !== `${names.plural}.${group}`) problems.push(`metadata.name must be ${names.plural}.${group}`);
  if (file.group !== group || file.name !== `${names.plural}.yaml`)
    problems.push(`file must be crds/${group}/${names.plural}.yaml`);
  if (names.listKind !== `${names.kind}List`) problems.push(`names.listKind must be ${names.kind}List`);
  if (!(names.categories ?? []).includes('fluxcd')) problems.push('names.categories must include fluxcd');
  if (versions.filter((version) => version.storage).length !== 1)
    problems.push('exactly one version must be the storage version');
  for (const version of versions) {
    const where = `versions[${version.name}]`;
    const columns = new Map((version.additionalPrinterColumns ?? []).map((column) => [column.name, column]));
    // Kinds without a status (notification's v1beta3 Provider and Alert) need neither the subresource nor the Ready columns.
    if (version.schema.openAPIV3Schema.properties?.status !== undefined) {
      if (version.subresources?.status === undefined) problems.push(`${where}: needs the status subresource`);
      if (columns.get('Ready')?.jsonPath !== readyStatusPath)
        problems.push(`${where}: printer column Ready must show ${readyStatusPath}`);
      if (columns.get('Status')?.jsonPath !== readyMessagePath)
        problems.push(`${where}: printer column Status must show ${readyMessagePath}`);
    }
    if (columns.get('Age')?.type !== 'date') problems.push(`${where}: printer column Age must be a date`);
    problems.push(...lintSchema(version.schema.openAPIV3Schema, `${where}.schema`));
  }
  return problems;
}

/** The structural-schema rules of apiextensions.k8s.io/v1, and defaults that satisfy their own schema. */
export function lintSchema(node: JsonSchema, where: string): string[] {
  const problems: string[] = [];
  const untyped = node['x-kubernetes-int-or-string'] === true || node['x-kubernetes-preserve-unknown-fields'] === true;
  if (node.type === undefined && !untyped) problems.push(`${where}: has no type`);
  if (node.properties !== undefined && node.type !== 'object') problems.push(`${where}: properties on a non-object`);
  if (node.additionalProperties !== undefined && node.properties !== undefined) {
    problems.push(`${where}: properties and additionalProperties are mutually exclusive`);
  }
  if (node.type === 'array' && node.items === undefined) problems.push(`${where}: array without items`);
  if (node.items !== undefined && node.type !== 'array') problems.push(`${where}: items on a non-array`);
  for (const name of node.required ?? []) {
    if (node.properties?.[name] === undefined) problems.push(`${where}: required ${name} is not a property`);
  }
  for (const key of Object.keys(node)) {
    if (!knownKeys.has(key)) problems.push(`${where}: unknown schema keyword ${key}`);
  }
  if (node.default !== undefined) problems.push(...valueProblems(node, node.default, `${where}.default`));
  for (const [name, child] of Object.entries(node.properties ?? {}))
    problems.push(...lintSchema(child, `${where}.${name}`));
  if (node.items !== undefined) problems.push(...lintSchema(node.items, `${where}[]`));
  if (typeof node.additionalProperties === 'object')
    problems.push(...lintSchema(node.additionalProperties, `${where}{}`));
  return problems;
}

/** Why `value` would not validate against `node` (type, enum, pattern, bounds, nested properties). */
export function valueProblems(node: JsonSchema, value: unknown, where: string): string[] {
  if (node.enum !== undefined && !node.enum.includes(value))
    return [`${where}: ${JSON.stringify(value)} is not one of the enum`];
  switch (node.type) {
    case 'string':
      if (typeof value !== 'string') return [`${where}: not a string`];
      if (node.pattern !== undefined && !new RegExp(node.pattern).test(value))
        return [`${where}: does not match ${node.pattern}`];
      return [];
    case 'integer':
      return Number.isInteger(value) ? [] : [`${where}: not an integer`];
    case 'number':
      return typeof value === 'number' ? [] : [`${where}: not a number`];
    case 'boolean':
      return typeof value === 'boolean' ? [] : [`${where}: not a boolean`];
    case 'array':
      return Array.isArray(value)
        ? value.flatMap((item, index) => (node.items ? valueProblems(node.items, item, `${where}[${index}]`) : []))
        : [`${where}: not an array`];
    case 'object': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return [`${where}: not an object`];
      return Object.entries(value).flatMap(([key, child]) => {
        const childSchema =
          node.properties?.[key] ??
          (typeof node.additionalProperties === 'object' ? node.additionalProperties : undefined);
        return childSchema === undefined
          ? [`${where}.${key}: not in the schema (would be pruned)`]
          : valueProblems(childSchema, child, `${where}.${key}`);
      });
    }
    default:
      return [];
  }
}

const knownKeys = new Set([
  'type',
  'title',
  'description',
  'format',
  'pattern',
  'enum',
  'default',
  'minimum',
  'maximum',
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
  'required',
  'properties',
  'additionalProperties',
  'items',
  'nullable',
  'x-kubernetes-preserve-unknown-fields',
  'x-kubernetes-int-or-string',
  'x-kubernetes-validations',
  'x-kubernetes-list-type',
  'x-kubernetes-list-map-keys',
  'x-kubernetes-map-type',
]);
