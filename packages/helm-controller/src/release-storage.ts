// Reads Helm's release storage (the `secret` driver's Secrets) without running helm, and unlocks a stale release.
import { gunzipSync, gzipSync } from 'node:zlib';
import type { KubeClient } from '@fluxion/runtime';

/** A Helm release revision as Helm stores it (the fields this controller reads). */
export interface StoredRelease {
  name: string;
  namespace: string;
  version: number;
  info: {
    status: string;
    description?: string;
    first_deployed?: string;
    last_deployed?: string;
    deleted?: string;
    notes?: string;
  };
  chart: { metadata: { name: string; version: string; appVersion?: string } };
  config?: Record<string, unknown>;
  manifest?: string;
  /** How Helm 4 applied it: `ssa` (server-side) or `csa`; none for a Helm 3 release. */
  apply_method?: string;
  hooks?: Array<{
    name: string;
    kind?: string;
    events?: string[];
    last_run?: { started_at?: string; completed_at?: string; phase?: string };
  }>;
  /** The labels of its storage Secret (Helm's own and `--labels`). */
  labels: Record<string, string>;
}

interface StorageSecret {
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string>; resourceVersion?: string };
  data?: Record<string, string>;
}

export const pendingStatuses = new Set(['pending-install', 'pending-upgrade', 'pending-rollback']);

/**
 * Every stored revision of `name` in `namespace`, oldest first. `fromCache`: from the API server's watch cache, at
 * once but possibly a moment stale; trust it only to confirm that nothing needs doing.
 */
export async function listReleases(
  client: KubeClient,
  namespace: string,
  name: string,
  options: { fromCache?: boolean } = {},
): Promise<StoredRelease[]> {
  const list = await client.list<StorageSecret>(
    { group: '', version: 'v1', kind: 'Secret' },
    {
      namespace,
      labelSelector: `owner=helm,name=${name}`,
      ...(options.fromCache ? { resourceVersion: '0' as const } : {}),
    },
  );
  return list.items.map(decodeStorageSecret).sort((a, b) => a.version - b.version);
}

export function latestOf(releases: readonly StoredRelease[]): StoredRelease | undefined {
  return releases.at(-1);
}

/** The newest revision that was deployed or superseded: what a rollback goes back to. */
export function previousDeployed(releases: readonly StoredRelease[], before: number): StoredRelease | undefined {
  return [...releases]
    .reverse()
    .find((release) => release.version < before && ['deployed', 'superseded'].includes(release.info.status));
}

export function decodeStorageSecret(secret: StorageSecret): StoredRelease {
  const encoded = secret.data?.['release'];
  if (!encoded)
    throw new Error(`Helm storage Secret '${secret.metadata?.namespace}/${secret.metadata?.name}' has no release key`);
  const gzipped = Buffer.from(Buffer.from(encoded, 'base64').toString('utf8'), 'base64');
  const json = gzipped[0] === 0x1f && gzipped[1] === 0x8b ? gunzipSync(gzipped) : gzipped;
  const release = JSON.parse(json.toString('utf8')) as Omit<StoredRelease, 'labels'>;
  return { ...release, labels: secret.metadata?.labels ?? {} };
}

/**
 * Marks a release left pending (a helm process killed mid-action) as failed, as Flux does, so the next action can
 * run; helm refuses to act on a release with an operation in progress.
 */
export async function unlockRelease(
  client: KubeClient,
  release: StoredRelease,
  storageNamespace: string,
  description: string,
): Promise<void> {
  const name = `sh.helm.release.v1.${release.name}.v${release.version}`;
  const ref = { apiVersion: 'v1', kind: 'Secret', namespace: storageNamespace, name };
  await setStoredStatus(client, ref, 'failed', description);
}

/** Rewrites a stored revision's status (and the Secret's status label), keeping everything else. */
export async function setStoredStatus(
  client: KubeClient,
  ref: { apiVersion: string; kind: string; namespace: string; name: string },
  status: string,
  description: string,
): Promise<void> {
  const secret = await client.get<StorageSecret>(ref);
  const encoded = secret.data?.['release'] ?? '';
  const gzipped = Buffer.from(Buffer.from(encoded, 'base64').toString('utf8'), 'base64');
  const release = JSON.parse(gunzipSync(gzipped).toString('utf8')) as { info: Record<string, unknown> };
  release.info = { ...release.info, status, description };
  const reencoded = Buffer.from(gzipSync(Buffer.from(JSON.stringify(release))).toString('base64')).toString('base64');
  await client.patch(
    ref,
    {
      metadata: { labels: { status }, resourceVersion: secret.metadata?.resourceVersion },
      data: { release: reencoded },
    },
    'merge',
  );
}

export function storageSecretName(release: Pick<StoredRelease, 'name' | 'version'>): string {
  return `sh.helm.release.v1.${release.name}.v${release.version}`;
}
