// The `crds` field: OpenAPI definitions whose x-kubernetes-* extensions add field specs for custom kinds
// (object references become name references, label selectors get commonLabels, identities get the prefix).
import { KustomizeError } from '../errors.ts';
import type { Loader } from '../loader.ts';
import { emptyTransformerConfig, mergeTransformerConfig, type TransformerConfig } from '../transformer-config.ts';
import type { FieldSpec } from '../types.ts';
import { parseYamlDocument } from '../yaml/parse-documents.ts';

type Definition = { Schema?: { properties?: Record<string, Property> } };
type Property = Record<string, unknown> & { $ref?: string };

function looksLikeKubernetesType(properties: Record<string, unknown> | undefined): boolean {
  return properties !== undefined && 'kind' in properties && 'apiVersion' in properties && 'metadata' in properties;
}

function kindFromTypeName(typeName: string): string {
  const last = typeName.split('/').pop() ?? typeName;
  return last.slice(last.lastIndexOf('.') + 1);
}

function collect(
  config: TransformerConfig,
  kind: string,
  definitions: Record<string, Definition>,
  typeName: string,
  path: string[],
  seen: Set<string>,
): void {
  const definition = definitions[typeName];
  if (!definition || seen.has(typeName)) return;
  seen.add(typeName);
  for (const [name, property] of Object.entries(definition.Schema?.properties ?? {})) {
    const here = [...path, name];
    const spec = (fieldPath: string[]): FieldSpec => ({ kind, path: fieldPath.join('/') });
    if (typeof property['x-kubernetes-label-selector'] === 'string') config.commonLabels.push(spec(here));
    if (typeof property['x-kubernetes-identity'] === 'string') config.namePrefix.push(spec(here));
    const version = property['x-kubernetes-object-ref-api-version'];
    const referralKind = property['x-kubernetes-object-ref-kind'];
    if (typeof version === 'string' && typeof referralKind === 'string') {
      const nameKey =
        typeof property['x-kubernetes-object-ref-name-key'] === 'string'
          ? property['x-kubernetes-object-ref-name-key']
          : 'name';
      config.nameReference.push({ referral: { kind: referralKind, version }, referrers: [spec([...here, nameKey])] });
    }
    if (typeof property.$ref === 'string') collect(config, kind, definitions, property.$ref, here, seen);
  }
  seen.delete(typeName);
}

export async function loadCrdConfig(loader: Loader, paths: string[]): Promise<TransformerConfig> {
  const config = emptyTransformerConfig();
  for (const path of paths) {
    const { path: file, text } = await loader.readFile(path);
    const parsed = parseYamlDocument(text, file);
    const valid =
      typeof parsed === 'object' &&
      parsed !== null &&
      !Array.isArray(parsed) &&
      Object.values(parsed).every((value) => typeof value === 'object' && value !== null && !Array.isArray(value));
    if (!valid) {
      throw new KustomizeError(
        `loading CRDs [${paths.join(' ')}]: unable to parse open API definition from '${path}'`,
        file,
      );
    }
    const definitions = parsed as Record<string, Definition>;
    const more = emptyTransformerConfig();
    for (const [typeName, definition] of Object.entries(definitions)) {
      if (!looksLikeKubernetesType(definition.Schema?.properties)) continue;
      collect(more, kindFromTypeName(typeName), definitions, typeName, [], new Set());
    }
    mergeTransformerConfig(config, more);
  }
  return config;
}
