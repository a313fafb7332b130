// `kustomize build`: accumulate a kustomization and its bases and components, then hash names,
// follow renames into references, resolve vars and sort.
import { posix } from 'node:path';
import { emptyAccumulator, mergeAccumulator, type Accumulator } from './accumulator.ts';
import { KustomizeError, wrapError } from './errors.ts';
import { diskFileSystem } from './fs/disk-file-system.ts';
import type { FileSystem } from './fs/file-system.ts';
import { generateConfigMap, generateSecret } from './generators/config-map-secret.ts';
import { nameHash } from './hash/name-hash.ts';
import { loadKustomization, type LoadedKustomization } from './kustomization/load-kustomization.ts';
import { isRemotePath, Loader, type LoadRestrictor } from './loader.ts';
import { readResources } from './read-resources.ts';
import { formatId, currentId, metadataOf, rememberCurrentId, type Resource } from './resource.ts';
import { runTransformers } from './run-transformers.ts';
import { sortResources } from './sort-resources.ts';
import { loadConfigurations, mergeConfigurations, mergeTransformerConfig } from './transformer-config.ts';
import { fixNameReferences } from './transformers/name-references.ts';
import { markVarHolders, resolveVarsIn } from './transformers/replacements-bridge.ts';
import { addBuildMetadata, type BuildMetadataOptions } from './build-metadata.ts';
import { mergeGenerated } from './generators/merge-generated.ts';
import { loadCrdConfig } from './field-specs/crd-openapi-config.ts';
import { runGeneratorPlugins } from './generators/builtin-generator-plugins.ts';
import type { KObject, SortOptions } from './types.ts';

export type BuildOptions = {
  fs?: FileSystem;
  loadRestrictor?: LoadRestrictor;
  /** Everything inside may be read, nothing outside, not even through a symlink. */
  root?: string;
  allowRemoteBases?: boolean;
};

type Context = { topRoot: string; metadata: BuildMetadataOptions };

/** Builds the kustomization in `dir` and returns its objects in kustomize's output order. */
export async function build(dir: string, options: BuildOptions = {}): Promise<KObject[]> {
  const fs = options.fs ?? diskFileSystem();
  const settings = {
    fs,
    loadRestrictor: options.loadRestrictor ?? 'rootOnly',
    allowRemoteBases: options.allowRemoteBases ?? false,
    ...(options.root !== undefined ? { boundary: options.root } : {}),
  };
  const loader = await Loader.forDirectory(dir, settings);
  const loaded = await loadKustomization(loader);
  const metadata = (loaded.kustomization.buildMetadata ?? []) as string[];
  const context: Context = {
    topRoot: loader.root,
    metadata: {
      originAnnotations: metadata.includes('originAnnotations'),
      transformerAnnotations: metadata.includes('transformerAnnotations'),
      managedByLabel: metadata.includes('managedByLabel'),
    },
  };
  for (const item of metadata) {
    if (!['originAnnotations', 'transformerAnnotations', 'managedByLabel'].includes(item)) {
      throw new KustomizeError(`invalid buildMetadata option: ${item} in ${loaded.path}`, loaded.path);
    }
  }
  const accumulator = await accumulateTarget(loader, loaded, emptyAccumulator(), context);
  const resources = accumulator.resMap.resources;
  addHashSuffixes(resources);
  fixNameReferences(resources, accumulator.config.nameReference);
  if (accumulator.vars.length > 0) resolveVarsIn(resources, accumulator.vars, accumulator.config.varReference);
  // Local-config objects take part in the whole build (a name reference may follow one) and are dropped last.
  dropLocalConfig(accumulator);
  checkSortOptions(loaded.kustomization.sortOptions, loaded.path);
  const sorted = sortResources(accumulator.resMap.resources, loaded.kustomization.sortOptions);
  return sorted.map((resource) => withoutEmptyAnnotations(resource.object));
}

function checkSortOptions(options: SortOptions | undefined | null, path: string): void {
  if (options === undefined || options === null) return;
  if (options.order !== 'fifo' && options.order !== 'legacy') {
    throw new KustomizeError(`the field 'sortOptions.order' must be one of [fifo, legacy] (in ${path})`, path);
  }
  if (options.order === 'fifo' && options.legacySortOptions !== undefined && options.legacySortOptions !== null) {
    throw new KustomizeError(
      `the field 'sortOptions.legacySortOptions' is set but the selected sort order is 'fifo', not 'legacy' (in ${path})`,
      path,
    );
  }
}

/**
 * kustomize rewrites annotations when it strips its build annotations: as strings (`8080` becomes "8080"), and an
 * empty map is dropped.
 */
function withoutEmptyAnnotations(object: KObject): KObject {
  const annotations = object.metadata?.annotations;
  if (object.metadata && annotations && typeof annotations === 'object' && !Array.isArray(annotations)) {
    if (Object.keys(annotations).length === 0) {
      delete object.metadata.annotations;
      return object;
    }
    for (const [key, value] of Object.entries(annotations as Record<string, unknown>)) {
      if (typeof value === 'number' || typeof value === 'boolean')
        (annotations as Record<string, unknown>)[key] = String(value);
    }
  }
  return object;
}

function addHashSuffixes(resources: Resource[]): void {
  for (const resource of resources) {
    if (!resource.needsHashSuffix) continue;
    rememberCurrentId(resource);
    const metadata = metadataOf(resource.object);
    metadata.name = `${String(metadata.name ?? '')}-${nameHash(resource.object)}`;
  }
}

async function accumulateTarget(
  loader: Loader,
  loaded: LoadedKustomization,
  accumulator: Accumulator,
  context: Context,
): Promise<Accumulator> {
  const { kustomization } = loaded;
  try {
    await accumulateResources(accumulator, loader, loaded, kustomization.resources ?? [], context);
    if (kustomization.configurations?.length) {
      mergeConfigurations(accumulator.config, await loadConfigurations(loader, kustomization.configurations));
    }
    if (kustomization.crds?.length)
      mergeTransformerConfig(accumulator.config, await loadCrdConfig(loader, kustomization.crds));
    await runGenerators(accumulator, loader, loaded, context);
    for (const component of kustomization.components ?? []) {
      await accumulateDirectory(accumulator, loader, component, true, context, loaded.path);
    }
    const configuredIn = context.metadata.transformerAnnotations
      ? posix.relative(context.topRoot, loaded.path)
      : undefined;
    await runTransformers(accumulator, loader, kustomization, configuredIn, (from, path) =>
      buildPluginDirectory(from, path, context),
    );
    addBuildMetadata(accumulator.resMap.resources, context.metadata, 'transformers', loaded, context.topRoot);
    markVarHolders(accumulator.resMap.resources, kustomization.vars ?? []);
    accumulator.vars.push(...(kustomization.vars ?? []));
  } catch (error) {
    if (error instanceof KustomizeError && error.message.includes(loaded.path)) throw error;
    throw wrapError(error, `in ${loaded.path}`, loaded.path);
  }
  return accumulator;
}

function dropLocalConfig(accumulator: Accumulator): void {
  for (const resource of [...accumulator.resMap.resources]) {
    if (resource.object.metadata?.annotations?.['config.kubernetes.io/local-config'] === 'true') {
      accumulator.resMap.remove(resource);
    }
  }
}

async function accumulateResources(
  accumulator: Accumulator,
  loader: Loader,
  loaded: LoadedKustomization,
  paths: string[],
  context: Context,
): Promise<void> {
  for (const path of paths) {
    if (isRemotePath(path)) {
      await loader.child(path);
      continue;
    }
    const kind = await loader.fs.kindOf(posix.resolve(loader.root, path));
    if (kind === 'directory') {
      await accumulateDirectory(accumulator, loader, path, false, context, loaded.path);
      continue;
    }
    let file: { path: string; text: string };
    try {
      file = await loader.readFile(path);
    } catch (error) {
      throw wrapError(error, `accumulating resources from '${path}' listed in ${loaded.path}`, loaded.path);
    }
    const resources = readResources(file.text, path);
    addBuildMetadata(resources, context.metadata, 'origin', loaded, context.topRoot, posix.join(loader.root, path));
    try {
      accumulator.resMap.appendAll(resources);
    } catch (error) {
      throw wrapError(error, `merging resources from '${path}' listed in ${loaded.path}`, loaded.path);
    }
  }
}

async function accumulateDirectory(
  accumulator: Accumulator,
  loader: Loader,
  path: string,
  isComponent: boolean,
  context: Context,
  referrer: string,
): Promise<void> {
  const child = await loader.child(path).catch((error: unknown) => {
    throw wrapError(
      error,
      `accumulating ${isComponent ? 'components' : 'resources'} from '${path}' listed in ${referrer}`,
      referrer,
    );
  });
  const loaded = await loadKustomization(child);
  const kind = loaded.kustomization.kind ?? 'Kustomization';
  if (isComponent && kind !== 'Component') {
    throw new KustomizeError(`expected kind 'Component' for path '${child.root}' but got '${kind}'`, loaded.path);
  }
  if (!isComponent && kind === 'Component') {
    throw new KustomizeError(`expected kind != 'Component' for path '${child.root}'`, loaded.path);
  }
  if (isComponent) {
    // A component works on its parent's resources in place rather than building its own set.
    await accumulateTarget(child, loaded, accumulator, context);
    return;
  }
  const sub = await accumulateTarget(child, loaded, emptyAccumulator(), context);
  try {
    mergeAccumulator(accumulator, sub);
  } catch (error) {
    throw wrapError(error, `merging resources from '${path}' listed in ${referrer}`, referrer);
  }
}

/** A kustomization named in `transformers:`/`generators:`: built on its own, its output is plugin configs. */
async function buildPluginDirectory(loader: Loader, path: string, context: Context): Promise<KObject[]> {
  const child = await loader.child(path);
  const loaded = await loadKustomization(child);
  const accumulator = await accumulateTarget(child, loaded, emptyAccumulator(), context);
  return accumulator.resMap.resources.map((resource) => resource.object);
}

async function runGenerators(
  accumulator: Accumulator,
  loader: Loader,
  loaded: LoadedKustomization,
  context: Context,
): Promise<void> {
  const { kustomization } = loaded;
  const generated: Resource[] = [];
  for (const args of kustomization.configMapGenerator ?? []) {
    generated.push(await generateConfigMap(args, kustomization.generatorOptions, loader));
  }
  for (const args of kustomization.secretGenerator ?? []) {
    generated.push(await generateSecret(args, kustomization.generatorOptions, loader));
  }
  const buildDirectory = (from: Loader, path: string): Promise<KObject[]> => buildPluginDirectory(from, path, context);
  addBuildMetadata(generated, context.metadata, 'generator', loaded, context.topRoot);
  for (const { resource, file, configName } of await runGeneratorPlugins(
    loader,
    kustomization.generators ?? [],
    buildDirectory,
  )) {
    const from = {
      ...(file === undefined ? {} : { configuredIn: file }),
      ...(configName === undefined ? {} : { name: configName }),
    };
    addBuildMetadata([resource], context.metadata, 'generator', loaded, context.topRoot, undefined, from);
    generated.push(resource);
  }
  for (const resource of generated) mergeGenerated(accumulator.resMap, resource);
}

export { formatId, currentId };
