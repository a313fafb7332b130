// Delete and create again: the only way to change an immutable field (a Job's template, a Service's clusterIP...).
import type { KubernetesObject } from '@kubernetes/client-node';
import { sleep } from '../backoff.ts';
import type { KubeClient } from '../client.ts';
import { refOf } from '../client.ts';
import { objectLabel } from '../group-version-kind.ts';

export async function recreate(
  client: KubeClient,
  live: KubernetesObject,
  create: () => Promise<unknown>,
  signal?: AbortSignal,
  timeoutMs = 60_000,
): Promise<void> {
  const ref = refOf(live);
  const uid = live.metadata?.uid;
  await client.deleteIfExists(ref, { propagationPolicy: 'Background', ...(uid ? { preconditions: { uid } } : {}) });
  const deadline = performance.now() + timeoutMs;
  // finalizers may hold the old object a while; creating before it is gone would fail with AlreadyExists
  for (;;) {
    const current = await client.getIfExists(ref);
    if (!current || current.metadata?.uid !== uid) break;
    if (performance.now() > deadline)
      throw new Error(
        `${objectLabel(live)} was deleted to change an immutable field but is still there after ${timeoutMs / 1000}s (finalizers: ${(current.metadata?.finalizers ?? []).join(', ') || 'none'})`,
      );
    signal?.throwIfAborted();
    await sleep(250, signal);
  }
  await create();
}
