// patchesStrategicMerge, patches and patchesJson6902: load each patch, find its targets, apply it.
import { dropBuildAnnotations, readBuildAnnotations, writeBuildAnnotations } from '../build-annotations.ts';
import { KustomizeError } from '../errors.ts';
import type { Loader } from '../loader.ts';
import { applyJson6902Patch } from '../patch/json6902.ts';
import { parsePatch, type ParsedPatch } from '../patch/patch-kind.ts';
import { applyStrategicMergePatch, isDeletedByPatch } from '../patch/strategic-merge.ts';
import type { ResMap } from '../res-map.ts';
import { currentId, formatId, metadataOf, rememberCurrentId, splitApiVersion, type Resource } from '../resource.ts';
import { selectResources } from '../select-resources.ts';
import type { Json6902PatchSpec, KObject, PatchOptions, PatchSpec, Target } from '../types.ts';

type LoadedPatch = { parsed: ParsedPatch; source: string };

function looksInline(entry: string): boolean {
  return entry.includes('\n') || /^\s*[[{]/.test(entry) || /:\s/.test(entry);
}

async function loadPatchText(
  loader: Loader,
  spec: { path?: string; patch?: string },
): Promise<{ text: string; source: string }> {
  if (spec.patch !== undefined && spec.patch !== null && spec.patch !== '') {
    if (spec.path) throw new KustomizeError("patch and path can't be set at the same time");
    return { text: String(spec.patch), source: `[patch: ${JSON.stringify(String(spec.patch))}]` };
  }
  if (!spec.path) throw new KustomizeError('must specify one of patch and path in a patch entry');
  const { text } = await loader.readFile(spec.path);
  return { text, source: `[path: "${spec.path}"]` };
}

function parseOrWrap(text: string, source: string): ParsedPatch {
  try {
    return parsePatch(text, source);
  } catch (error) {
    throw new KustomizeError((error as Error).message);
  }
}

/** The id a strategic merge patch names for itself; it must match exactly one resource. */
function soleTargetOf(resMap: ResMap, patch: KObject, source: string): Resource {
  const { group, version } = splitApiVersion(patch.apiVersion);
  const metadata = patch.metadata ?? {};
  const id = {
    group,
    version,
    kind: patch.kind ?? '',
    name: typeof metadata.name === 'string' ? metadata.name : '',
    namespace: typeof metadata.namespace === 'string' ? metadata.namespace : '',
  };
  const matches = resMap.matchingAnyId(id);
  if (matches.length === 1) return matches[0] as Resource;
  const problem = matches.length === 0 ? 'no matches' : 'multiple matches';
  throw new KustomizeError(`${problem} for Id ${formatId(id)}; failed to find unique target for patch ${source}`);
}

function applyStrategicTo(
  resMap: ResMap,
  resource: Resource,
  patch: KObject,
  options: PatchOptions,
  byTarget = false,
): void {
  const before = currentId(resource);
  const apiVersion = resource.object.apiVersion;
  if (options.allowNameChange || options.allowKindChange) rememberCurrentId(resource);
  // The patch merges into the object with its build annotations, and what it leaves of them is kept.
  writeBuildAnnotations(resource);
  const result = applyStrategicMergePatch(resource.object, patch);
  if (isDeletedByPatch(result)) {
    resMap.remove(resource);
    return;
  }
  resource.object = result;
  // A patch applied through a target selector takes each selected object's apiVersion, whatever it says.
  if (byTarget && apiVersion !== undefined) resource.object.apiVersion = apiVersion;
  if (!options.allowKindChange) resource.object.kind = before.kind;
  const metadata = metadataOf(resource.object);
  if (!options.allowNameChange) metadata.name = before.name;
  if (before.namespace === '') delete metadata.namespace;
  else metadata.namespace = before.namespace;
  readBuildAnnotations(resource);
}

/** The operations see the build annotations (so /metadata/annotations always exists); kustomize then restores them. */
function applyJsonTo(resource: Resource, operations: unknown[], source: string): void {
  rememberCurrentId(resource);
  writeBuildAnnotations(resource);
  try {
    resource.object = applyJson6902Patch(resource.object, operations, source);
  } catch (error) {
    throw new KustomizeError(`${(error as Error).message}`);
  } finally {
    dropBuildAnnotations(resource.object);
  }
}

function applyLoaded(resMap: ResMap, loaded: LoadedPatch, target: Target | undefined, options: PatchOptions): void {
  const { parsed, source } = loaded;
  if (parsed.kind === 'json6902') {
    if (!target) throw new KustomizeError(`must specify a target for JSON patch ${source}`);
    for (const resource of selectResources(resMap.resources, target)) applyJsonTo(resource, parsed.operations, source);
    return;
  }
  for (const patch of parsed.patches) {
    if (!target) {
      applyStrategicTo(resMap, soleTargetOf(resMap, patch, source), patch, options);
      continue;
    }
    for (const resource of selectResources(resMap.resources, target))
      applyStrategicTo(resMap, resource, patch, options, true);
  }
}

export async function applyPatchesStrategicMerge(resMap: ResMap, loader: Loader, entries: string[]): Promise<void> {
  for (const entry of entries) {
    let text: string;
    let source: string;
    if (looksInline(entry)) {
      text = entry;
      source = `[patch: ${JSON.stringify(entry)}]`;
    } else {
      text = (await loader.readFile(entry)).text;
      source = `[path: "${entry}"]`;
    }
    const parsed = parseOrWrap(text, source);
    if (parsed.kind !== 'strategic-merge')
      throw new KustomizeError(`patchesStrategicMerge entry ${source} is not a strategic merge patch`);
    applyLoaded(resMap, { parsed, source }, undefined, {});
  }
}

export async function applyPatches(resMap: ResMap, loader: Loader, specs: PatchSpec[]): Promise<void> {
  for (const spec of specs) {
    const { text, source } = await loadPatchText(loader, spec);
    applyLoaded(resMap, { parsed: parseOrWrap(text, source), source }, spec.target ?? undefined, spec.options ?? {});
  }
}

export async function applyPatchesJson6902(resMap: ResMap, loader: Loader, specs: Json6902PatchSpec[]): Promise<void> {
  for (const spec of specs) {
    if (!spec.target) throw new KustomizeError('must specify the target field in patchesJson6902');
    const { text, source } = await loadPatchText(loader, spec);
    const parsed = parseOrWrap(text, source);
    if (parsed.kind !== 'json6902')
      throw new KustomizeError(`patchesJson6902 entry ${source} is not a list of JSON patch operations`);
    applyLoaded(resMap, { parsed, source }, spec.target, {});
  }
}
