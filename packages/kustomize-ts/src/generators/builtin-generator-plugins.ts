// `generators:` entries that configure kustomize's builtin ConfigMapGenerator and SecretGenerator.
import { KustomizeError } from '../errors.ts';
import type { Loader } from '../loader.ts';
import type { Resource } from '../resource.ts';
import { loadPluginConfigs, type DirectoryBuilder } from '../transformers/builtin-plugins.ts';
import type { GeneratorArgs, SecretGeneratorArgs } from '../types.ts';
import { generateConfigMap, generateSecret } from './config-map-secret.ts';

export async function runGeneratorPlugins(loader: Loader, entries: string[], buildDirectory?: DirectoryBuilder): Promise<Resource[]> {
  const generated: Resource[] = [];
  for (const config of await loadPluginConfigs(loader, entries, buildDirectory)) {
    if (config.apiVersion !== 'builtin') {
      throw new KustomizeError(`not supported: generators plugin ${config.apiVersion ?? ''}/${config.kind ?? ''} (only builtin generator configs are supported)`);
    }
    const args = {
      ...(config as Record<string, unknown>),
      name: config.metadata?.name,
      namespace: config.metadata?.namespace,
    } as SecretGeneratorArgs;
    if (config.kind === 'ConfigMapGenerator') generated.push(await generateConfigMap(args as GeneratorArgs, undefined, loader));
    else if (config.kind === 'SecretGenerator') generated.push(await generateSecret(args, undefined, loader));
    else throw new KustomizeError(`not supported: generators plugin builtin/${config.kind ?? ''}`);
  }
  return generated;
}
