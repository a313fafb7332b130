// `transformers:` entries that configure kustomize's builtin transformers (apiVersion builtin); exec and
// container plugins are refused.
import { posix } from 'node:path';
import { KustomizeError } from '../errors.ts';
import type { Loader } from '../loader.ts';
import type { ResMap } from '../res-map.ts';
import type { FieldSpec, Image, Json6902PatchSpec, KObject, PatchSpec, Replica, ReplacementSpec } from '../types.ts';
import { parseYamlDocuments } from '../yaml/parse-documents.ts';
import { applyImages } from './images.ts';
import { setMapEntries } from './map-entries.ts';
import { applyNamePrefixSuffix } from './name-prefix-suffix.ts';
import { applyNamespace } from './namespace.ts';
import { applyPatches, applyPatchesJson6902, applyPatchesStrategicMerge } from './patches.ts';
import { applyReplacementSpecs } from './replacements-bridge.ts';
import { applyReplicas } from './replicas.ts';

type PluginConfig = KObject & Record<string, unknown>;

function isBuiltin(config: PluginConfig): boolean {
  return config.apiVersion === 'builtin' || config.apiVersion === 'kustomize.config.k8s.io/v1';
}

function stringMap(value: unknown): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, item] of Object.entries((value ?? {}) as Record<string, unknown>))
    result[key] = item === null ? '' : String(item);
  return result;
}

function fieldSpecs(config: PluginConfig): FieldSpec[] {
  return (Array.isArray(config.fieldSpecs) ? config.fieldSpecs : []) as FieldSpec[];
}

/** Builds a kustomization directory into objects: a `transformers:`/`generators:` entry may name one. */
export type DirectoryBuilder = (loader: Loader, path: string) => Promise<KObject[]>;

/**
 * Reads the plugin configs an entry holds: inline YAML, a file of one or more documents, or a kustomization
 * directory whose output is the configs (kustomize accumulates these entries as it does resources).
 */
export async function loadPluginConfigs(
  loader: Loader,
  entries: string[],
  buildDirectory?: DirectoryBuilder,
): Promise<PluginConfig[]> {
  return (await loadPluginConfigSources(loader, entries, buildDirectory)).map(({ config }) => config);
}

/** The configs with the file each came from (none for inline ones and those built from a directory). */
export async function loadPluginConfigSources(
  loader: Loader,
  entries: string[],
  buildDirectory?: DirectoryBuilder,
): Promise<{ config: PluginConfig; file?: string }[]> {
  const configs: { config: PluginConfig; file?: string }[] = [];
  for (const entry of entries) {
    const inline = entry.includes('\n') || /^\s*apiVersion:/.test(entry);
    const isDirectory =
      !inline &&
      buildDirectory !== undefined &&
      (await loader.fs.kindOf(posix.resolve(loader.root, entry))) === 'directory';
    let documents: unknown[];
    if (inline) documents = parseYamlDocuments(entry, '[inline transformer]');
    else if (isDirectory && buildDirectory) documents = await buildDirectory(loader, entry);
    else documents = await readFileDocuments(loader, entry);
    for (const document of documents) {
      if (typeof document !== 'object' || document === null || Array.isArray(document)) {
        throw new KustomizeError(`transformer config ${entry} is not an object`);
      }
      const file = inline || isDirectory ? undefined : posix.resolve(loader.root, entry);
      configs.push(
        file === undefined ? { config: document as PluginConfig } : { config: document as PluginConfig, file },
      );
    }
  }
  return configs;
}

async function readFileDocuments(loader: Loader, path: string): Promise<unknown[]> {
  const { path: file, text } = await loader.readFile(path);
  return parseYamlDocuments(text, file);
}

export async function runBuiltinPlugin(config: PluginConfig, resMap: ResMap, loader: Loader): Promise<void> {
  const kind = config.kind ?? '';
  if (!isBuiltin(config)) {
    throw new KustomizeError(
      `not supported: transformers plugin ${config.apiVersion ?? ''}/${kind} (only builtin transformer configs are supported)`,
    );
  }
  const resources = resMap.resources;
  switch (kind) {
    case 'PrefixSuffixTransformer':
    case 'PrefixTransformer':
    case 'SuffixTransformer':
      return applyNamePrefixSuffix(
        resources,
        String(config.prefix ?? ''),
        String(config.suffix ?? ''),
        fieldSpecs(config),
        true,
      );
    case 'LabelTransformer':
      return setMapEntries(resources, stringMap(config.labels), fieldSpecs(config));
    case 'AnnotationsTransformer':
      return setMapEntries(resources, stringMap(config.annotations), fieldSpecs(config));
    case 'NamespaceTransformer': {
      const namespace = config.metadata?.namespace;
      if (!namespace) return;
      const specs = fieldSpecs(config);
      return applyNamespace(resources, namespace, specs, config.unsetOnly === true);
    }
    case 'ImageTagTransformer':
      return applyImages(resources, [config.imageTag as Image], fieldSpecs(config));
    case 'ReplicaCountTransformer':
      return applyReplicas(resources, [config.replica as Replica], fieldSpecs(config));
    case 'PatchTransformer':
      return applyPatches(resMap, loader, [config as unknown as PatchSpec]);
    case 'PatchJson6902Transformer':
      return applyPatchesJson6902(resMap, loader, [
        { target: config.target, path: config.path, patch: config.jsonOp } as unknown as Json6902PatchSpec,
      ]);
    case 'PatchStrategicMergeTransformer': {
      const entries = [...((config.paths as string[] | undefined) ?? [])];
      if (typeof config.patches === 'string') entries.push(config.patches);
      return applyPatchesStrategicMerge(resMap, loader, entries);
    }
    case 'ReplacementTransformer':
      return applyReplacementSpecs(resources, loader, (config.replacements as ReplacementSpec[] | undefined) ?? []);
    default:
      throw new KustomizeError(`not supported: transformers plugin builtin/${kind}`);
  }
}
