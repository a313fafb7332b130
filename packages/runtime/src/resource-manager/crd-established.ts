// Waits for CustomResourceDefinitions to be Established, so their kinds can be applied in the next stage.
import type { V1CustomResourceDefinition } from '@kubernetes/client-node';
import { NoKindMatchError } from '../api-discovery.ts';
import { sleep } from '../backoff.ts';
import type { KubeClient, ObjectRef } from '../client.ts';

export class CrdNotEstablishedError extends Error {
  override readonly name = 'CrdNotEstablishedError';
  readonly reason = 'ReconciliationFailed';
}

/** Established, and their kinds served by discovery (which follows Established by a moment). */
export async function waitForCrdsEstablished(
  client: KubeClient,
  refs: readonly ObjectRef[],
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  let pending = [...refs];
  for (;;) {
    const states = await Promise.all(
      pending.map(async (ref) => ({ ref, crd: await client.getIfExists<V1CustomResourceDefinition>(ref) })),
    );
    const ready = await Promise.all(
      states.map(async ({ crd }) => isEstablished(crd) && crd !== undefined && (await isDiscoverable(client, crd))),
    );
    pending = states.filter((_, i) => !ready[i]).map(({ ref }) => ref);
    if (pending.length === 0) return;
    if (performance.now() > deadline) {
      throw new CrdNotEstablishedError(
        `CustomResourceDefinitions not Established after ${timeoutMs / 1000}s: ${pending.map((ref) => ref.name).join(', ')}`,
      );
    }
    signal?.throwIfAborted();
    await sleep(200, signal);
  }
}

function isEstablished(crd: V1CustomResourceDefinition | undefined): boolean {
  return (
    crd?.status?.conditions?.some((condition) => condition.type === 'Established' && condition.status === 'True') ??
    false
  );
}

async function isDiscoverable(client: KubeClient, crd: V1CustomResourceDefinition): Promise<boolean> {
  const { group, names } = crd.spec;
  for (const version of crd.spec.versions.filter((v) => v.served)) {
    try {
      await client.discovery.resourceFor({ group, version: version.name, kind: names.kind });
    } catch (error) {
      if (!(error instanceof NoKindMatchError)) throw error;
      client.discovery.forget(`${group}/${version.name}`);
      return false;
    }
  }
  return true;
}
