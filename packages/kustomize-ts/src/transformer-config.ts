// The field specs a build uses: kustomize's defaults plus those from `configurations` files, merged up from bases.
import { KustomizeError } from './errors.ts';
import {
  COMMON_ANNOTATION_FIELD_SPECS,
  COMMON_LABEL_FIELD_SPECS,
  IMAGE_FIELD_SPECS,
  NAME_REFERENCE_RULES,
  NAMESPACE_FIELD_SPECS,
  REPLICA_FIELD_SPECS,
  TEMPLATE_LABEL_FIELD_SPECS,
  type NameReferenceRule,
} from './field-specs/default-field-specs.ts';
import type { Loader } from './loader.ts';
import type { FieldSpec } from './types.ts';
import { parseYamlDocument } from './yaml/parse-documents.ts';

export type TransformerConfig = {
  namePrefix: FieldSpec[];
  nameSuffix: FieldSpec[];
  namespace: FieldSpec[];
  commonLabels: FieldSpec[];
  templateLabels: FieldSpec[];
  /** Added to every `labels:` entry's fields, whatever its includeSelectors/includeTemplates (none by default). */
  labels: FieldSpec[];
  commonAnnotations: FieldSpec[];
  images: FieldSpec[];
  replicas: FieldSpec[];
  varReference: FieldSpec[];
  nameReference: NameReferenceRule[];
};

type FieldSpecListKey = Exclude<keyof TransformerConfig, 'nameReference'>;
const LIST_KEYS: FieldSpecListKey[] = [
  'namePrefix',
  'nameSuffix',
  'namespace',
  'commonLabels',
  'templateLabels',
  'labels',
  'commonAnnotations',
  'images',
  'replicas',
  'varReference',
];

export function defaultTransformerConfig(): TransformerConfig {
  return {
    // kustomize's defaults: every metadata/name (a configured kind-specific one takes its place).
    namePrefix: [{ path: 'metadata/name' }],
    nameSuffix: [{ path: 'metadata/name' }],
    namespace: [...NAMESPACE_FIELD_SPECS],
    commonLabels: [...COMMON_LABEL_FIELD_SPECS],
    templateLabels: [...TEMPLATE_LABEL_FIELD_SPECS],
    labels: [],
    commonAnnotations: [...COMMON_ANNOTATION_FIELD_SPECS],
    images: [...IMAGE_FIELD_SPECS],
    replicas: [...REPLICA_FIELD_SPECS],
    varReference: [],
    nameReference: NAME_REFERENCE_RULES.map((rule) => ({ referral: rule.referral, referrers: [...rule.referrers] })),
  };
}

export function emptyTransformerConfig(): TransformerConfig {
  return {
    namePrefix: [],
    nameSuffix: [],
    namespace: [],
    commonLabels: [],
    templateLabels: [],
    labels: [],
    commonAnnotations: [],
    images: [],
    replicas: [],
    varReference: [],
    nameReference: [],
  };
}

function sameSpec(a: FieldSpec, b: FieldSpec): boolean {
  return (
    a.path === b.path &&
    (a.kind ?? '') === (b.kind ?? '') &&
    (a.group ?? '') === (b.group ?? '') &&
    (a.version ?? '') === (b.version ?? '')
  );
}

export function mergeFieldSpecs(into: FieldSpec[], more: FieldSpec[]): FieldSpec[] {
  const merged = [...into];
  for (const spec of more) if (!merged.some((existing) => sameSpec(existing, spec))) merged.push(spec);
  return merged;
}

export function mergeTransformerConfig(into: TransformerConfig, more: TransformerConfig): void {
  for (const key of LIST_KEYS) into[key] = mergeFieldSpecs(into[key], more[key]);
  for (const rule of more.nameReference) {
    const existing = into.nameReference.find(
      (candidate) =>
        candidate.referral.kind === rule.referral.kind &&
        (candidate.referral.group ?? '') === (rule.referral.group ?? '') &&
        (candidate.referral.version ?? '') === (rule.referral.version ?? ''),
    );
    if (existing) existing.referrers = mergeFieldSpecs(existing.referrers, rule.referrers);
    else into.nameReference.push({ referral: { ...rule.referral }, referrers: [...rule.referrers] });
  }
}

/** Whether `general`'s group/version/kind (empty: any) select `specific`'s: the same path is then covered. */
function covers(general: FieldSpec, specific: FieldSpec): boolean {
  return (
    general.path === specific.path &&
    (!general.kind || general.kind === specific.kind) &&
    (!general.group || general.group === specific.group) &&
    (!general.version || general.version === specific.version)
  );
}

/**
 * A kustomization's `configurations` files merged into the field specs it builds with. As observed in kustomize
 * 5.5, a configured spec takes the place of a broader one for the same path: configuring `metadata/name` of
 * kind IngressHost under namePrefix means only IngressHost names get the prefix.
 */
export function mergeConfigurations(into: TransformerConfig, configured: TransformerConfig): void {
  for (const key of LIST_KEYS) {
    const kept = into[key].filter((spec) => !configured[key].some((custom) => covers(spec, custom)));
    into[key] = mergeFieldSpecs(configured[key], kept);
  }
  mergeTransformerConfig(into, { ...emptyTransformerConfig(), nameReference: configured.nameReference });
}

function asFieldSpecs(value: unknown, file: string, key: string): FieldSpec[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new KustomizeError(`${key} in ${file} must be a list of field specs`, file);
  return value.map((item) => {
    const spec = item as Record<string, unknown>;
    if (typeof spec.path !== 'string')
      throw new KustomizeError(`a field spec under ${key} in ${file} has no path`, file);
    const result: FieldSpec = { path: spec.path };
    if (typeof spec.group === 'string') result.group = spec.group;
    if (typeof spec.version === 'string') result.version = spec.version;
    if (typeof spec.kind === 'string') result.kind = spec.kind;
    if (spec.create === true) result.create = true;
    return result;
  });
}

/** Reads `configurations` files into a config holding only what they declare. */
export async function loadConfigurations(loader: Loader, paths: string[]): Promise<TransformerConfig> {
  const config = emptyTransformerConfig();
  for (const path of paths) {
    const { path: file, text } = await loader.readFile(path);
    const raw = (parseYamlDocument(text, file) ?? {}) as Record<string, unknown>;
    const more = emptyTransformerConfig();
    for (const key of LIST_KEYS) more[key] = asFieldSpecs(raw[key], file, key);
    for (const entry of (raw.nameReference as Record<string, unknown>[] | undefined) ?? []) {
      if (typeof entry.kind !== 'string')
        throw new KustomizeError(`a nameReference entry in ${file} has no kind`, file);
      const referral: NameReferenceRule['referral'] = { kind: entry.kind };
      if (typeof entry.group === 'string') referral.group = entry.group;
      if (typeof entry.version === 'string') referral.version = entry.version;
      more.nameReference.push({ referral, referrers: asFieldSpecs(entry.fieldSpecs, file, 'nameReference') });
    }
    mergeTransformerConfig(config, more);
  }
  return config;
}
