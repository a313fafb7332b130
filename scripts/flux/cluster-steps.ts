// The control plane between two runs: one side's CRDs in, the other's out, and the benchmark namespace emptied, so the
// next controller starts on a clean cluster.
import type { KubernetesObject } from '@kubernetes/client-node';
import { type GroupVersionKind, type KubeClient, Reflector } from '../../packages/runtime/src/index.ts';

const CRD_GVK = { group: 'apiextensions.k8s.io', version: 'v1', kind: 'CustomResourceDefinition' };
const TOOLKIT = /\.toolkit\.fluxcd\.io$/;

export async function until(
  check: () => Promise<boolean>,
  timeoutMs: number,
  what: string,
  intervalMs = 500,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * Resolves the moment `count` objects of `gvk` in `namespace` satisfy `done`, as a watch delivers them: the measured
 * wall time carries no polling lag, and the API server serves one watch instead of a list every poll. `alive` is
 * called every second and fails the wait by throwing (the controller exited).
 */
export async function untilAllWatched<T extends KubernetesObject>(
  client: KubeClient,
  gvk: GroupVersionKind,
  namespace: string,
  count: number,
  done: (object: T) => boolean,
  timeoutMs: number,
  what: string,
  alive: () => void = () => undefined,
): Promise<void> {
  const cache = new Reflector<T>(client, gvk, { namespace });
  const satisfied = new Set<string>();
  let settle!: (error?: unknown) => void;
  const finished = new Promise<void>((resolve, reject) => {
    settle = (error) => (error === undefined ? resolve() : reject(error));
  });
  cache.onEvent(({ type, object }) => {
    const name = object.metadata?.name ?? '';
    if (type !== 'DELETED' && done(object)) satisfied.add(name);
    else satisfied.delete(name);
    if (satisfied.size >= count) settle();
  });
  const deadline = setTimeout(
    () => settle(new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`)),
    timeoutMs,
  );
  const liveness = setInterval(() => {
    try {
      alive();
    } catch (error) {
      settle(error);
    }
  }, 1000);
  cache.start();
  try {
    await finished;
  } finally {
    clearTimeout(deadline);
    clearInterval(liveness);
    await cache.stop();
  }
}

/** Removes every *.toolkit.fluxcd.io CRD (and so its objects), then applies `crds` and waits until they serve. */
export async function swapCrds(client: KubeClient, crds: readonly KubernetesObject[]): Promise<void> {
  const toolkitNames = async () =>
    (await client.list(CRD_GVK)).items.map((crd) => crd.metadata?.name ?? '').filter((name) => TOOLKIT.test(name));
  for (const name of await toolkitNames())
    await client.deleteIfExists({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name });
  await until(async () => (await toolkitNames()).length === 0, 180_000, 'the toolkit CRDs to go');
  for (const crd of crds) await client.apply(crd, { fieldManager: 'fluxion-bench', force: true });
  const names = crds.map((crd) => crd.metadata?.name ?? '');
  await until(
    async () => {
      const { items } = await client.list<
        KubernetesObject & { status?: { conditions?: Array<{ type: string; status: string }> } }
      >(CRD_GVK);
      const established = new Set(
        items
          .filter((crd) => crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True'))
          .map((crd) => crd.metadata?.name),
      );
      return names.every((name) => established.has(name));
    },
    120_000,
    'the CRDs to be established',
  );
}

/** Strips the controllers' finalizers (the controller is stopped), deletes the namespace and waits until it is gone. */
export async function emptyNamespace(
  client: KubeClient,
  namespace: string,
  kinds: ReadonlyArray<{ group: string; version: string; kind: string }>,
): Promise<void> {
  for (const gvk of kinds) {
    const { items } = await client.list(gvk, { namespace }).catch(() => ({ items: [] as KubernetesObject[] }));
    for (const item of items) {
      if (!item.metadata?.finalizers?.length) continue;
      await client.patch(
        { apiVersion: `${gvk.group}/${gvk.version}`, kind: gvk.kind, namespace, name: item.metadata.name ?? '' },
        { metadata: { finalizers: null } },
        'merge',
      );
    }
  }
  await client.deleteIfExists({ apiVersion: 'v1', kind: 'Namespace', name: namespace });
  await until(
    async () => (await client.getIfExists({ apiVersion: 'v1', kind: 'Namespace', name: namespace })) === undefined,
    600_000,
    `namespace ${namespace} to go`,
    1000,
  );
}

/** The row that says how long the bench's own reconcile requests took to write, within the cycle's wall time. */
export const reconcileRequestsRow = 'of which the bench writing the reconcile requests (s)';

/**
 * Asks each named object to reconcile (`reconcile.fluxcd.io/requestedAt: token`), 32 writes at a time, and returns
 * the seconds the writes took: the part of an unchanged cycle the API server spends on the bench itself.
 */
export async function requestReconcile(
  client: KubeClient,
  gvk: GroupVersionKind,
  namespace: string,
  names: readonly string[],
  token: string,
): Promise<number> {
  const apiVersion = gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version;
  const started = performance.now();
  await mapLimit(names, 32, (name) =>
    client.patch(
      { apiVersion, kind: gvk.kind, namespace, name },
      { metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': token } } },
      'merge',
    ),
  );
  return (performance.now() - started) / 1000;
}

export async function mapLimit<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await work(items[next++] as T);
    }),
  );
}

export function percentile(values: readonly number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? Number.NaN;
}
