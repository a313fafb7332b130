// What the pipeline reads from the cluster besides its caches: a Provider's Secrets, an event's object's labels.
import type { KubeClient } from '@fluxion/runtime';
import { isNotFound } from '@fluxion/runtime';
import type { V1Secret } from '@kubernetes/client-node';
import type { InvolvedObject } from './flux-event.ts';
import { apiVersionOf } from './toolkit-kinds.ts';

export async function readSecret(client: KubeClient, namespace: string, name: string): Promise<V1Secret | undefined> {
  try {
    return await client.get<V1Secret>({ apiVersion: 'v1', kind: 'Secret', namespace, name });
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** Labels for `matchLabels`, read once per object every few seconds: a burst about one object is one GET. */
export function labelsCache(
  client: KubeClient,
  ttlMs = 5_000,
): (object: InvolvedObject) => Promise<Record<string, string> | undefined> {
  const cache = new Map<string, { at: number; labels: Promise<Record<string, string> | undefined> }>();
  return (object) => {
    const key = `${object.kind}/${object.namespace}/${object.name}`;
    const cached = cache.get(key);
    if (cached && Date.now() - cached.at < ttlMs) return cached.labels;
    if (cache.size > 10_000) cache.clear();
    const labels = labelsOf(client, object);
    cache.set(key, { at: Date.now(), labels });
    labels.catch(() => cache.delete(key));
    return labels;
  };
}

async function labelsOf(client: KubeClient, object: InvolvedObject): Promise<Record<string, string> | undefined> {
  const apiVersion = apiVersionOf(object.kind, object.apiVersion);
  if (!apiVersion) return undefined;
  try {
    const found = await client.get({ apiVersion, kind: object.kind, namespace: object.namespace, name: object.name });
    return found.metadata?.labels ?? {};
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}
