// Installs Fluxion's CRDs into a cluster by server-side apply and waits until the API server serves them.
import {
  ApiException,
  ApiextensionsV1Api,
  PatchStrategy,
  setHeaderOptions,
  type KubeConfig,
} from '@kubernetes/client-node';
import { CrdFieldManager } from './constants.ts';
import { loadCrds } from './crd-files.ts';
import type { CrdManifest } from './crd-manifest.ts';
import { CrdInstallError } from './crd-install-error.ts';

export interface InstallCrdsOptions {
  /** How long to wait for each CRD to become Established. */
  timeoutMs?: number;
  /** The CRDs to install; all of Fluxion's when not given. */
  crds?: CrdManifest[];
}

export async function installCrdsNow(kubeConfig: KubeConfig, options: InstallCrdsOptions = {}): Promise<void> {
  const api = kubeConfig.makeApiClient(ApiextensionsV1Api);
  const crds = options.crds ?? loadCrds();
  for (const crd of crds) await applyCrd(api, crd);
  for (const crd of crds) await waitUntilEstablished(api, crd.metadata.name, options.timeoutMs ?? 60_000);
}

async function applyCrd(api: ApiextensionsV1Api, crd: CrdManifest): Promise<void> {
  try {
    await api.patchCustomResourceDefinition(
      { name: crd.metadata.name, body: crd, fieldManager: CrdFieldManager, force: true },
      setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply),
    );
  } catch (error) {
    if (error instanceof ApiException) {
      throw new CrdInstallError(
        crd.metadata.name,
        'ApplyFailed',
        `server-side apply rejected (HTTP ${error.code}): ${statusMessage(error.body)}`,
      );
    }
    throw error;
  }
}

async function waitUntilEstablished(api: ApiextensionsV1Api, name: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastProblem = 'no conditions reported yet';
  while (Date.now() < deadline) {
    const crd = await api.readCustomResourceDefinition({ name });
    const conditions = crd.status?.conditions ?? [];
    if (conditions.some((condition) => condition.type === 'Established' && condition.status === 'True')) return;
    const failing = conditions.find((condition) => condition.status !== 'True');
    if (failing !== undefined)
      lastProblem = `${failing.type}=${failing.status}: ${failing.message ?? failing.reason ?? ''}`;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new CrdInstallError(name, 'NotEstablished', `not Established after ${timeoutMs} ms (${lastProblem})`);
}

function statusMessage(body: unknown): string {
  if (typeof body === 'string') {
    try {
      return statusMessage(JSON.parse(body));
    } catch {
      return body;
    }
  }
  if (typeof body === 'object' && body !== null && 'message' in body && typeof body.message === 'string')
    return body.message;
  return JSON.stringify(body);
}
