// Waits for CustomResourceDefinitions to be Established, so their kinds can be applied in the next stage.
import type { V1CustomResourceDefinition } from '@kubernetes/client-node';
import { sleep } from '../backoff.ts';
import type { KubeClient, ObjectRef } from '../client.ts';

export class CrdNotEstablishedError extends Error {
  override readonly name = 'CrdNotEstablishedError';
  readonly reason = 'ReconciliationFailed';
}

export async function waitForCrdsEstablished(client: KubeClient, refs: readonly ObjectRef[], timeoutMs: number, signal?: AbortSignal): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  let pending = [...refs];
  for (;;) {
    const states = await Promise.all(pending.map(async (ref) => ({ ref, crd: await client.getIfExists<V1CustomResourceDefinition>(ref) })));
    pending = states.filter(({ crd }) => !isEstablished(crd)).map(({ ref }) => ref);
    if (pending.length === 0) return;
    if (performance.now() > deadline) {
      throw new CrdNotEstablishedError(`CustomResourceDefinitions not Established after ${timeoutMs / 1000}s: ${pending.map((ref) => ref.name).join(', ')}`);
    }
    signal?.throwIfAborted();
    await sleep(200, signal);
  }
}

function isEstablished(crd: V1CustomResourceDefinition | undefined): boolean {
  return crd?.status?.conditions?.some((condition) => condition.type === 'Established' && condition.status === 'True') ?? false;
}
