// Generates builtin-schema.generated.ts: patch merge keys/strategies per kind, from a Kubernetes OpenAPI v2 spec.
//
// Usage: node packages/kustomize-ts/src/openapi/generate.ts [swagger.json path | http(s)://apiserver/openapi/v2]
// Default source: the Kubernetes module's api/openapi-spec/swagger.json in the Go module cache.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { InlineSchema, MergeSchemaData, SchemaRef } from './schema-data.ts';

const defaultSource = '/root/go/pkg/mod/k8s.io/kubernetes@v1.36.3/api/openapi-spec/swagger.json';
const outputFile = fileURLToPath(new URL('./builtin-schema.generated.ts', import.meta.url));

type SwaggerSchema = {
  type?: string | string[];
  $ref?: string;
  items?: SwaggerSchema;
  properties?: Record<string, SwaggerSchema>;
  additionalProperties?: SwaggerSchema | boolean;
  allOf?: SwaggerSchema[];
  'x-kubernetes-patch-strategy'?: string;
  'x-kubernetes-patch-merge-key'?: string;
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-list-type'?: string;
  'x-kubernetes-group-version-kind'?: { group: string; version: string; kind: string }[];
};

type Swagger = { definitions?: Record<string, SwaggerSchema>; info?: { version?: string } };

async function loadSwagger(source: string): Promise<Swagger> {
  if (/^https?:\/\//.test(source)) {
    const response = await fetch(source, { headers: { accept: 'application/json' } });
    if (!response.ok) throw new Error(`fetching OpenAPI spec ${source}: HTTP ${response.status}`);
    return (await response.json()) as Swagger;
  }
  return JSON.parse(readFileSync(source, 'utf8')) as Swagger;
}

function refName(ref: string): string {
  return ref.replace(/^#\/definitions\//, '');
}

/** Converts a swagger spec to the compact merge schema (only what strategic merge needs). */
export function buildMergeSchema(swagger: Swagger, source: string): MergeSchemaData {
  const definitions = swagger.definitions ?? {};
  const indexByName = new Map<string, number>();
  const compact: InlineSchema[] = [];

  const typeOf = (schema: SwaggerSchema): string | undefined =>
    Array.isArray(schema.type) ? (schema.type.length === 1 ? schema.type[0] : undefined) : schema.type;

  const refOf = (schema: SwaggerSchema): string | undefined =>
    schema.$ref ?? (schema.allOf?.length === 1 ? schema.allOf[0]?.$ref : undefined);

  // A definition gets its index before its body is built, so recursive types terminate.
  const definitionIndex = (name: string): number => {
    const known = indexByName.get(name);
    if (known !== undefined) return known;
    const index = compact.length;
    indexByName.set(name, index);
    const node: InlineSchema = {};
    compact.push(node);
    Object.assign(node, inline(definitions[name] ?? {}));
    return index;
  };

  // Returns undefined for scalars that carry no merge metadata: kyaml never consults them.
  const convert = (schema: SwaggerSchema): SchemaRef | undefined => {
    const ref = refOf(schema);
    // kyaml resolves a property's $ref and keeps only the target's schema (the property's extensions are dropped).
    if (ref) return definitionIndex(refName(ref));
    const node = inline(schema);
    const type = typeOf(schema);
    if (Object.keys(node).length === 0 && type !== 'object' && type !== 'array' && type !== undefined) return undefined;
    return node;
  };

  const inline = (schema: SwaggerSchema): InlineSchema => {
    const node: InlineSchema = {};
    if (schema.properties) {
      const properties: Record<string, SchemaRef> = {};
      for (const [field, fieldSchema] of Object.entries(schema.properties)) {
        const converted = convert(fieldSchema);
        if (converted !== undefined) properties[field] = converted;
      }
      if (Object.keys(properties).length > 0) node.p = properties;
    }
    if (typeOf(schema) === 'array' && schema.items) {
      node.i = convert(schema.items) ?? {};
    }
    if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
      const values = convert(schema.additionalProperties);
      if (values !== undefined) node.a = values;
    }
    const strategy = schema['x-kubernetes-patch-strategy'];
    if (strategy) {
      node.s = strategy;
      const keys =
        schema['x-kubernetes-list-map-keys'] ??
        (schema['x-kubernetes-patch-merge-key'] ? [schema['x-kubernetes-patch-merge-key']] : undefined);
      if (keys) node.k = keys;
    }
    if (schema['x-kubernetes-list-type']) node.l = schema['x-kubernetes-list-type'];
    return node;
  };

  const kinds: Record<string, number> = {};
  for (const name of Object.keys(definitions).sort()) {
    for (const gvk of definitions[name]?.['x-kubernetes-group-version-kind'] ?? []) {
      const apiVersion = gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version;
      const key = `${apiVersion}/${gvk.kind}`;
      // Like kyaml, the first definition claiming a GVK wins.
      if (!(key in kinds)) kinds[key] = definitionIndex(name);
    }
  }
  const version = swagger.info?.version ? ` (${swagger.info.version})` : '';
  // Keep the committed file free of machine-specific paths.
  const shownSource = source.replace(/^.*\/pkg\/mod\//, '');
  return { source: `${shownSource}${version}`, kinds, definitions: compact };
}

function render(data: MergeSchemaData): string {
  const json = JSON.stringify(data).replaceAll('\\', '\\\\').replaceAll("'", "\\'");
  return [
    '// GENERATED by generate.ts from the Kubernetes OpenAPI spec: do not edit. Regenerate with',
    '// `node packages/kustomize-ts/src/openapi/generate.ts [swagger.json | https://apiserver/openapi/v2]`.',
    "import type { MergeSchemaData } from './schema-data.ts';",
    '',
    `export const builtinMergeSchema: MergeSchemaData = JSON.parse('${json}');`,
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const source = process.argv[2] ?? defaultSource;
  const data = buildMergeSchema(await loadSwagger(source), source);
  const text = render(data);
  writeFileSync(outputFile, text);
  console.log(
    `wrote ${outputFile}: ${Object.keys(data.kinds).length} kinds, ${data.definitions.length} definitions, ${text.length} bytes`,
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await main();
}
