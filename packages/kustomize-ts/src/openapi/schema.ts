// Lookup of the merge schema (patch strategy, merge keys) for built-in kinds, as kyaml's openapi package offers it.
import { builtinMergeSchema } from './builtin-schema.generated.ts';
import type { InlineSchema, MergeSchemaData, SchemaRef } from './schema-data.ts';

/** A resolved schema node; `undefined` stands for "no schema known" (CRDs, unknown fields). */
export type MergeSchema = {
  readonly node: InlineSchema;
  readonly data: MergeSchemaData;
};

function resolve(ref: SchemaRef, data: MergeSchemaData): MergeSchema | undefined {
  const node = typeof ref === 'number' ? data.definitions[ref] : ref;
  return node ? { node, data } : undefined;
}

/** The schema of a built-in kind, e.g. `schemaFor('apps/v1', 'Deployment')`; undefined for unknown kinds. */
export function schemaFor(
  apiVersion: string,
  kind: string,
  data: MergeSchemaData = builtinMergeSchema,
): MergeSchema | undefined {
  const index = data.kinds[`${apiVersion}/${kind}`];
  return index === undefined ? undefined : resolve(index, data);
}

/** The schema of a field: a named property, else the value schema of a map. */
export function fieldSchema(schema: MergeSchema | undefined, field: string): MergeSchema | undefined {
  if (!schema) return undefined;
  const property = schema.node.p?.[field];
  if (property !== undefined) return resolve(property, schema.data);
  if (schema.node.a !== undefined) return resolve(schema.node.a, schema.data);
  return undefined;
}

/** The schema of a list's elements. */
export function elementSchema(schema: MergeSchema | undefined): MergeSchema | undefined {
  if (!schema || schema.node.i === undefined) return undefined;
  return resolve(schema.node.i, schema.data);
}

/** The raw `x-kubernetes-patch-strategy` ('' when absent), e.g. `merge`, `merge,retainKeys`, `retainKeys`. */
export function patchStrategy(schema: MergeSchema | undefined): string {
  return schema?.node.s ?? '';
}

/** True when the strategy lists `merge`: such lists are merged element by element. */
export function hasMergeStrategy(schema: MergeSchema | undefined): boolean {
  return patchStrategy(schema).split(',').includes('merge');
}

/** Merge keys of an associative list: `x-kubernetes-list-map-keys`, else the patch merge key; [] for primitive lists. */
export function mergeKeys(schema: MergeSchema | undefined): string[] {
  return schema?.node.k ?? [];
}

/** `x-kubernetes-list-type` (atomic, set, map) when the spec declares it. */
export function listType(schema: MergeSchema | undefined): string | undefined {
  return schema?.node.l;
}
