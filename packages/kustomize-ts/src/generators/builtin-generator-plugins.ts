// `generators:` entries that configure kustomize's builtin ConfigMapGenerator and SecretGenerator.
import { KustomizeError } from '../errors.ts';
import type { Loader } from '../loader.ts';
import { makeResource, type Resource } from '../resource.ts';
import { loadPluginConfigs, type DirectoryBuilder } from '../transformers/builtin-plugins.ts';
import type { GeneratorArgs, KObject, SecretGeneratorArgs } from '../types.ts';
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
    else if (config.kind === 'IAMPolicyGenerator') generated.push(gkeServiceAccount(config as Record<string, unknown>));
    else throw new KustomizeError(`not supported: generators plugin builtin/${config.kind ?? ''}`);
  }
  return generated;
}

/** IAMPolicyGenerator (cloud: gke only, as kustomize): a ServiceAccount bound to a Google service account. */
function gkeServiceAccount(config: Record<string, unknown>): Resource {
  if (config.cloud !== 'gke') throw new KustomizeError(`IAMPolicyGenerator: cloud provider ${String(config.cloud ?? '')} not supported yet`);
  const service = (config.kubernetesService ?? {}) as Record<string, unknown>;
  const account = (config.serviceAccount ?? {}) as Record<string, unknown>;
  const metadata: Record<string, unknown> = {
    annotations: { 'iam.gke.io/gcp-service-account': `${String(account.name ?? '')}@${String(account.projectId ?? '')}.iam.gserviceaccount.com` },
    name: String(service.name ?? ''),
  };
  if (typeof service.namespace === 'string' && service.namespace !== '') metadata.namespace = service.namespace;
  const resource = makeResource({ apiVersion: 'v1', kind: 'ServiceAccount', metadata } as KObject);
  resource.behavior = 'unspecified';
  return resource;
}
