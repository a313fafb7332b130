// The compact shape of the generated merge schema, shared by the generator and the lookup.

/**
 * A schema node: either an index into `definitions`, or an inline node.
 * Short keys keep the generated file small:
 *   p: properties, i: items (arrays), a: additionalProperties (maps),
 *   s: x-kubernetes-patch-strategy, k: merge keys (x-kubernetes-list-map-keys, else
 *   x-kubernetes-patch-merge-key), l: x-kubernetes-list-type.
 * Scalar properties without patch metadata are left out: merging never needs them.
 */
export type SchemaRef = number | InlineSchema;

export type InlineSchema = {
  p?: Record<string, SchemaRef>;
  i?: SchemaRef;
  a?: SchemaRef;
  s?: string;
  k?: string[];
  l?: string;
};

export type MergeSchemaData = {
  /** Where the data came from (file path or URL) and the API version it describes. */
  source: string;
  /** `apiVersion/kind` (e.g. `apps/v1/Deployment`, `v1/Pod`) -> definition index. */
  kinds: Record<string, number>;
  definitions: InlineSchema[];
};
