// configMapGenerator and secretGenerator: build the ConfigMap/Secret each entry describes.
import { KustomizeError } from '../errors.ts';
import type { Loader } from '../loader.ts';
import { makeResource, type Resource } from '../resource.ts';
import type { GeneratorArgs, GeneratorOptions, KObject, SecretGeneratorArgs } from '../types.ts';
import { collectKeyValues } from './key-value-sources.ts';

/** Global generatorOptions folded into an entry's own options; on a clash the entry's own value wins. */
export function mergeGeneratorOptions(
  local: GeneratorOptions | undefined,
  global: GeneratorOptions | undefined,
): GeneratorOptions {
  const merged: GeneratorOptions = { ...(local ?? {}) };
  if (!global) return merged;
  merged.labels = { ...(global.labels ?? {}), ...(local?.labels ?? {}) };
  merged.annotations = { ...(global.annotations ?? {}), ...(local?.annotations ?? {}) };
  if (global.disableNameSuffixHash) merged.disableNameSuffixHash = true;
  if (global.immutable) merged.immutable = true;
  return merged;
}

type GeneratedData = { data: Record<string, string>; binary: Record<string, Uint8Array> };

async function dataOf(args: GeneratorArgs, loader: Loader, kind: string): Promise<GeneratedData> {
  const data: Record<string, string> = {};
  const binary: Record<string, Uint8Array> = {};
  for (const { key, value, bytes } of await collectKeyValues(args, loader)) {
    if (key in data || key in binary) {
      throw new KustomizeError(
        `${kind} ${args.name ?? ''}: cannot add key ${key}, another key by that name already exists`,
      );
    }
    if (bytes) binary[key] = bytes;
    else data[key] = value;
  }
  return { data, binary };
}

/** Base64 as kustomize's Secret generator writes it: past 70 characters, broken into 70-character lines, each ending in a newline. */
export function encodeSecretValue(bytes: Uint8Array): string {
  const encoded = Buffer.from(bytes).toString('base64');
  const lineLength = 70;
  if (encoded.length < lineLength) return encoded;
  let out = '';
  for (let i = 0; i < encoded.length; i += lineLength) out += `${encoded.slice(i, i + lineLength)}\n`;
  return out;
}

function baseObject(kind: string, args: GeneratorArgs, options: GeneratorOptions): KObject {
  if (!args.name) throw new KustomizeError(`a ${kind} generator entry is missing its name`);
  const metadata: Record<string, unknown> = { name: args.name };
  if (args.namespace) metadata.namespace = args.namespace;
  if (options.labels && Object.keys(options.labels).length > 0) metadata.labels = { ...options.labels };
  if (options.annotations && Object.keys(options.annotations).length > 0)
    metadata.annotations = { ...options.annotations };
  return { apiVersion: 'v1', kind, metadata };
}

function toResource(object: KObject, args: GeneratorArgs, options: GeneratorOptions): Resource {
  if (options.immutable) object.immutable = true;
  const resource = makeResource(object);
  // kustomize reads an unknown behavior (`merg`) as none given: the generator creates.
  const behavior = args.behavior;
  resource.behavior =
    behavior === 'create' || behavior === 'merge' || behavior === 'replace' ? behavior : 'unspecified';
  resource.needsHashSuffix = !options.disableNameSuffixHash;
  return resource;
}

export async function generateConfigMap(
  args: GeneratorArgs,
  global: GeneratorOptions | undefined,
  loader: Loader,
): Promise<Resource> {
  const options = mergeGeneratorOptions(args.options, global);
  const object = baseObject('ConfigMap', args, options);
  const { data, binary } = await dataOf(args, loader, 'ConfigMap');
  if (Object.keys(data).length > 0) object.data = data;
  if (Object.keys(binary).length > 0) {
    object.binaryData = Object.fromEntries(
      Object.entries(binary).map(([key, bytes]) => [key, Buffer.from(bytes).toString('base64')]),
    );
  }
  return toResource(object, args, options);
}

export async function generateSecret(
  args: SecretGeneratorArgs,
  global: GeneratorOptions | undefined,
  loader: Loader,
): Promise<Resource> {
  const options = mergeGeneratorOptions(args.options, global);
  const object = baseObject('Secret', args, options);
  object.type = args.type || 'Opaque';
  const { data, binary } = await dataOf(args, loader, 'Secret');
  const encoded: Record<string, string> = {};
  for (const [key, value] of Object.entries(data)) encoded[key] = encodeSecretValue(new TextEncoder().encode(value));
  for (const [key, bytes] of Object.entries(binary)) encoded[key] = encodeSecretValue(bytes);
  if (Object.keys(encoded).length > 0) object.data = encoded;
  return toResource(object, args, options);
}
