// configMapGenerator and secretGenerator: build the ConfigMap/Secret each entry describes.
import { KustomizeError } from '../errors.ts';
import type { Loader } from '../loader.ts';
import { makeResource, type Resource } from '../resource.ts';
import type { GeneratorArgs, GeneratorOptions, KObject, SecretGeneratorArgs } from '../types.ts';
import { collectKeyValues } from './key-value-sources.ts';

const CONFIG_MAP_KEY = /^[-._a-zA-Z0-9]+$/;

/** Global generatorOptions folded into an entry's own options; on a clash the global value wins, as in kustomize. */
export function mergeGeneratorOptions(local: GeneratorOptions | undefined, global: GeneratorOptions | undefined): GeneratorOptions {
  const merged: GeneratorOptions = { ...(local ?? {}) };
  if (!global) return merged;
  merged.labels = { ...(local?.labels ?? {}), ...(global.labels ?? {}) };
  merged.annotations = { ...(local?.annotations ?? {}), ...(global.annotations ?? {}) };
  if (global.disableNameSuffixHash) merged.disableNameSuffixHash = true;
  if (global.immutable) merged.immutable = true;
  return merged;
}

async function dataOf(args: GeneratorArgs, loader: Loader, kind: string): Promise<Record<string, string>> {
  const data: Record<string, string> = {};
  for (const { key, value } of await collectKeyValues(args, loader)) {
    if (!CONFIG_MAP_KEY.test(key)) {
      throw new KustomizeError(
        `${kind} ${args.name ?? ''}: "${key}" is not a valid key name: a valid config key must consist of alphanumeric characters, '-', '_' or '.'`,
      );
    }
    if (key in data) {
      throw new KustomizeError(`${kind} ${args.name ?? ''}: cannot add key ${key}, another key by that name already exists`);
    }
    data[key] = value;
  }
  return data;
}

function baseObject(kind: string, args: GeneratorArgs, options: GeneratorOptions): KObject {
  if (!args.name) throw new KustomizeError(`a ${kind} generator entry is missing its name`);
  const metadata: Record<string, unknown> = { name: args.name };
  if (args.namespace) metadata.namespace = args.namespace;
  if (options.labels && Object.keys(options.labels).length > 0) metadata.labels = { ...options.labels };
  if (options.annotations && Object.keys(options.annotations).length > 0) metadata.annotations = { ...options.annotations };
  return { apiVersion: 'v1', kind, metadata };
}

function toResource(object: KObject, args: GeneratorArgs, options: GeneratorOptions): Resource {
  if (options.immutable) object.immutable = true;
  const resource = makeResource(object);
  resource.behavior = args.behavior || 'create';
  resource.needsHashSuffix = !options.disableNameSuffixHash;
  return resource;
}

export async function generateConfigMap(args: GeneratorArgs, global: GeneratorOptions | undefined, loader: Loader): Promise<Resource> {
  const options = mergeGeneratorOptions(args.options, global);
  const object = baseObject('ConfigMap', args, options);
  const data = await dataOf(args, loader, 'ConfigMap');
  if (Object.keys(data).length > 0) object.data = data;
  return toResource(object, args, options);
}

export async function generateSecret(args: SecretGeneratorArgs, global: GeneratorOptions | undefined, loader: Loader): Promise<Resource> {
  const options = mergeGeneratorOptions(args.options, global);
  const object = baseObject('Secret', args, options);
  object.type = args.type || 'Opaque';
  const data = await dataOf(args, loader, 'Secret');
  if (Object.keys(data).length > 0) {
    object.data = Object.fromEntries(Object.entries(data).map(([key, value]) => [key, Buffer.from(value, 'utf8').toString('base64')]));
  }
  return toResource(object, args, options);
}
