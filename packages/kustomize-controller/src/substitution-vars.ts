// Reads postBuild variables: substituteFrom ConfigMaps and Secrets in order, then the inline substitute map, which wins.
import type { V1ConfigMap, V1Secret } from '@kubernetes/client-node';
import type { Kustomization } from '@fluxion/api';
import { isNotFound, type KubeClient } from '@fluxion/runtime';
import { mergeVariables, SubstitutionError } from 'kustomize-ts';

/**
 * postBuild.substituteStrategy: WithVariables (the default) substitutes only when a variable or a substituteFrom is
 * given; Always substitutes even without, so `${var:=default}` expressions are expanded anyway.
 */
export function substitutionWanted(kustomization: Kustomization): boolean {
  const postBuild = kustomization.spec?.postBuild;
  if (!postBuild) return false;
  if (postBuild.substituteStrategy === 'Always') return true;
  return Object.keys(postBuild.substitute ?? {}).length > 0 || (postBuild.substituteFrom?.length ?? 0) > 0;
}

export async function loadSubstitutionVariables(
  client: KubeClient,
  kustomization: Kustomization,
): Promise<Map<string, string>> {
  const namespace = kustomization.metadata?.namespace ?? '';
  const postBuild = kustomization.spec?.postBuild;
  const sources: Array<Record<string, string>> = [];
  for (const reference of postBuild?.substituteFrom ?? []) {
    try {
      if (reference.kind === 'ConfigMap') {
        const configMap = await client.get<V1ConfigMap>({
          apiVersion: 'v1',
          kind: 'ConfigMap',
          namespace,
          name: reference.name,
        });
        sources.push(configMap.data ?? {});
      } else {
        const secret = await client.get<V1Secret>({
          apiVersion: 'v1',
          kind: 'Secret',
          namespace,
          name: reference.name,
        });
        sources.push(
          Object.fromEntries(
            Object.entries(secret.data ?? {}).map(([key, value]) => [
              key,
              Buffer.from(value, 'base64').toString('utf8'),
            ]),
          ),
        );
      }
    } catch (error) {
      if (isNotFound(error)) {
        if (reference.optional) continue;
        throw new SubstitutionError(
          `substitute from '${reference.kind}/${reference.name}' error: ${reference.kind} '${namespace}/${reference.name}' not found`,
        );
      }
      throw error;
    }
  }
  sources.push(postBuild?.substitute ?? {});
  return mergeVariables(...sources);
}
