// Finds, parses and checks a directory's kustomization file, folding deprecated fields into their v5 forms.
import { posix } from 'node:path';
import { KustomizeError } from '../errors.ts';
import type { Loader } from '../loader.ts';
import type { Kustomization } from '../types.ts';
import { parseYamlDocument } from '../yaml/parse-documents.ts';
import {
  ENTRY_FIELDS,
  KUSTOMIZATION_FIELDS,
  KUSTOMIZATION_FILE_NAMES,
  UNSUPPORTED_FIELDS,
} from './kustomization-fields.ts';

export type LoadedKustomization = {
  kustomization: Kustomization;
  /** Absolute path of the kustomization file. */
  path: string;
  fileName: string;
};

export async function loadKustomization(loader: Loader): Promise<LoadedKustomization> {
  const present: string[] = [];
  for (const name of KUSTOMIZATION_FILE_NAMES) {
    if (await loader.hasFile(name)) present.push(name);
  }
  if (present.length === 0) {
    throw new KustomizeError(
      `unable to find one of 'kustomization.yaml', 'kustomization.yml' or 'Kustomization' in directory '${loader.root}'`,
      loader.root,
    );
  }
  if (present.length > 1)
    throw new KustomizeError(`Found multiple kustomization files under: ${loader.root}`, loader.root);
  const fileName = present[0] as string;
  const path = posix.join(loader.root, fileName);
  const text = await loader.fs.readFile(path);
  if (text.trim() === '') throw new KustomizeError(`${fileName} is empty (${path})`, path);
  const parsed = parseYamlDocument(text, path, false) ?? {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new KustomizeError(`invalid Kustomization: ${path} is not a mapping`, path);
  }
  const kustomization = checkFields(parsed as Record<string, unknown>, path);
  return { kustomization, path, fileName };
}

function checkFields(input: Record<string, unknown>, path: string): Kustomization {
  const raw: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(input)) {
    const known = canonicalField(field);
    if (known === undefined) {
      throw new KustomizeError(`invalid Kustomization: json: unknown field "${field}" in ${path}`, path);
    }
    raw[known] = value;
  }
  checkEntryFields(raw, path);
  checkReplicaCounts(raw, path);
  for (const field of UNSUPPORTED_FIELDS) {
    const value = raw[field];
    const empty = value === null || value === undefined || (Array.isArray(value) && value.length === 0);
    if (!empty) throw new KustomizeError(`not supported: ${field} (in ${path})`, path);
  }
  const openapi = raw.openapi as Record<string, unknown> | undefined;
  if (openapi && typeof openapi === 'object' && openapi.path !== undefined) {
    // A custom schema would change strategic merge keys; refuse rather than merge differently from kustomize.
    throw new KustomizeError(`not supported: openapi.path (in ${path})`, path);
  }
  for (const field of [
    'resources',
    'bases',
    'components',
    'crds',
    'configurations',
    'patchesStrategicMerge',
    'buildMetadata',
  ]) {
    const value = raw[field];
    if (
      value !== undefined &&
      value !== null &&
      (!Array.isArray(value) || value.some((item) => typeof item !== 'string'))
    ) {
      throw new KustomizeError(`invalid Kustomization: field "${field}" must be a list of strings in ${path}`, path);
    }
  }
  const kustomization = { ...raw } as Kustomization;
  const kind = kustomization.kind ?? '';
  if (kind !== '' && kind !== 'Kustomization' && kind !== 'Component') {
    throw new KustomizeError(`kind should be Kustomization or Component in ${path}`, path);
  }
  const apiVersion = kustomization.apiVersion ?? '';
  const requiredVersion = kind === 'Component' ? 'kustomize.config.k8s.io/v1alpha1' : 'kustomize.config.k8s.io/v1beta1';
  if (apiVersion !== '' && apiVersion !== requiredVersion) {
    throw new KustomizeError(`apiVersion for ${kind} should be ${requiredVersion} in ${path}`, path);
  }
  // Deprecated spellings become their v5 fields, as kustomize's own fix-up does.
  if (kustomization.bases) kustomization.resources = [...(kustomization.resources ?? []), ...kustomization.bases];
  delete kustomization.bases;
  if (kustomization.imageTags) kustomization.images = [...(kustomization.images ?? []), ...kustomization.imageTags];
  delete kustomization.imageTags;
  for (const generator of [...(kustomization.configMapGenerator ?? []), ...(kustomization.secretGenerator ?? [])]) {
    if (generator.env) {
      generator.envs = [...(generator.envs ?? []), generator.env];
      delete generator.env;
    }
  }
  return kustomization;
}

function checkEntryFields(raw: Record<string, unknown>, path: string): void {
  for (const [field, shape] of Object.entries(ENTRY_FIELDS)) {
    const value = raw[field];
    const entries = shape.list ? (Array.isArray(value) ? value : []) : [value];
    for (const entry of entries) {
      checkKnownKeys(entry, shape.fields, field, path);
      for (const [key, allowed] of Object.entries(shape.nested ?? {})) {
        if (isMapping(entry)) checkKnownKeys(entry[key], allowed, `${field}.${key}`, path);
      }
    }
  }
}

function checkKnownKeys(entry: unknown, allowed: readonly string[], field: string, path: string): void {
  if (!isMapping(entry)) return;
  for (const key of Object.keys(entry)) {
    if (!allowed.some((field) => field.toLowerCase() === key.toLowerCase())) {
      throw new KustomizeError(`invalid Kustomization: json: unknown field "${key}" (in ${field}) in ${path}`, path);
    }
  }
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const FIELDS_BY_LOWER_CASE = new Map([...KUSTOMIZATION_FIELDS].map((field) => [field.toLowerCase(), field]));

/** Go's JSON decoding, behind kustomize's, matches field names without regard to case (`nameprefix` is `namePrefix`). */
function canonicalField(field: string): string | undefined {
  return KUSTOMIZATION_FIELDS.has(field) ? field : FIELDS_BY_LOWER_CASE.get(field.toLowerCase());
}

/** A replica count must be an integer (kustomize decodes it into an int64 and fails otherwise). */
function checkReplicaCounts(raw: Record<string, unknown>, path: string): void {
  for (const entry of Array.isArray(raw.replicas) ? raw.replicas : []) {
    if (!isMapping(entry) || entry.count === undefined || entry.count === null) continue;
    if (typeof entry.count !== 'number' || !Number.isInteger(entry.count)) {
      throw new KustomizeError(
        `invalid Kustomization: replicas count ${JSON.stringify(entry.count)} of ${String(entry.name ?? '')} is not an integer in ${path}`,
        path,
      );
    }
  }
}
