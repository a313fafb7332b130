// `generators:` entries that configure kustomize's builtin ConfigMapGenerator and SecretGenerator.
import { KustomizeError } from '../errors.ts';
import type { Loader } from '../loader.ts';
import { makeResource, type Resource } from '../resource.ts';
import { loadPluginConfigSources, type DirectoryBuilder } from '../transformers/builtin-plugins.ts';
import type { GeneratorArgs, KObject, SecretGeneratorArgs } from '../types.ts';
import { generateConfigMap, generateSecret } from './config-map-secret.ts';

/** A generated resource and the config that made it (for its origin annotation). */
export type PluginGenerated = { resource: Resource; file?: string; configName?: string };

export async function runGeneratorPlugins(
  loader: Loader,
  entries: string[],
  buildDirectory?: DirectoryBuilder,
): Promise<PluginGenerated[]> {
  const generated: PluginGenerated[] = [];
  for (const { config, file } of await loadPluginConfigSources(loader, entries, buildDirectory)) {
    if (config.apiVersion !== 'builtin') {
      throw new KustomizeError(
        `not supported: generators plugin ${config.apiVersion ?? ''}/${config.kind ?? ''} (only builtin generator configs are supported)`,
      );
    }
    const raw = config as Record<string, unknown>;
    // A `name:`/`namespace:` in the config names the generated object; metadata only when they are absent.
    const args = {
      ...raw,
      name: typeof raw.name === 'string' && raw.name !== '' ? raw.name : config.metadata?.name,
      namespace: typeof raw.namespace === 'string' && raw.namespace !== '' ? raw.namespace : config.metadata?.namespace,
    } as SecretGeneratorArgs;
    let resource: Resource;
    if (config.kind === 'ConfigMapGenerator')
      resource = await generateConfigMap(args as GeneratorArgs, undefined, loader);
    else if (config.kind === 'SecretGenerator') resource = await generateSecret(args, undefined, loader);
    else if (config.kind === 'IAMPolicyGenerator') resource = gkeServiceAccount(raw);
    else throw new KustomizeError(`not supported: generators plugin builtin/${config.kind ?? ''}`);
    const configName = config.metadata?.name;
    generated.push({ resource, ...(file === undefined ? {} : { file }), ...(configName ? { configName } : {}) });
  }
  return generated;
}

/** IAMPolicyGenerator (cloud: gke only, as kustomize): a ServiceAccount bound to a Google service account. */
function gkeServiceAccount(config: Record<string, unknown>): Resource {
  if (config.cloud !== 'gke')
    throw new KustomizeError(`IAMPolicyGenerator: cloud provider ${String(config.cloud ?? '')} not supported yet`);
  const service = (config.kubernetesService ?? {}) as Record<string, unknown>;
  const account = (config.serviceAccount ?? {}) as Record<string, unknown>;
  const metadata: Record<string, unknown> = {
    annotations: {
      'iam.gke.io/gcp-service-account': `${String(account.name ?? '')}@${String(account.projectId ?? '')}.iam.gserviceaccount.com`,
    },
    name: String(service.name ?? ''),
  };
  if (typeof service.namespace === 'string' && service.namespace !== '') metadata.namespace = service.namespace;
  const resource = makeResource({ apiVersion: 'v1', kind: 'ServiceAccount', metadata } as KObject);
  resource.behavior = 'unspecified';
  return resource;
}
