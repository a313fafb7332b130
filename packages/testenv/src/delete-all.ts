// A test's teardown of a kind its controller finalizes: delete every object while the controller still runs, then
// wait for them to go, so finalizers do not pin the namespace. Best effort: a teardown must not fail a test.
import { pollUntil } from './eventually.ts';

/** The two calls it makes, as @fluxion/runtime's KubeClient has them. */
export interface ObjectDeleter {
  list(
    gvk: { group: string; version: string; kind: string },
    options: { namespace: string },
  ): Promise<{ items: Array<{ metadata?: { name?: string } }> }>;
  deleteIfExists(ref: { apiVersion: string; kind: string; namespace: string; name: string }): Promise<unknown>;
}

export async function deleteAllAndWait(
  client: ObjectDeleter,
  type: { apiVersion: string; kind: string },
  namespace: string,
  timeoutMs = 60_000,
): Promise<void> {
  const [group, version] = type.apiVersion.includes('/') ? type.apiVersion.split('/') : ['', type.apiVersion];
  const gvk = { group: group ?? '', version: version ?? '', kind: type.kind };
  const remaining = async () => (await client.list(gvk, { namespace })).items;
  const items = await remaining().catch(() => []);
  await Promise.all(
    items.map((item) => client.deleteIfExists({ ...type, namespace, name: item.metadata?.name ?? '' })),
  );
  await pollUntil(
    `the ${type.kind}s in ${namespace} deleted`,
    async () => (await remaining()).length === 0,
    timeoutMs,
  ).catch(() => undefined);
}
