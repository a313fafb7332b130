// One control plane for the whole vitest run; test files reach it through FLUXION_TESTENV_KUBECONFIG.
import { randomBytes } from 'node:crypto';
import { startControlPlane, type ControlPlane } from './control-plane.ts';
import { deleteRunNamespaces, KUBECONFIG_ENV, RUN_ENV } from './test-namespace.ts';

let controlPlane: ControlPlane | undefined;
let reusedKubeconfig: string | undefined;
const runId = randomBytes(4).toString('hex');

export async function setup(): Promise<void> {
  process.env[RUN_ENV] = runId;
  reusedKubeconfig = process.env[KUBECONFIG_ENV];
  if (reusedKubeconfig) return; // a cluster the developer already runs (make cluster)
  const started = Date.now();
  controlPlane = await startControlPlane({ full: true });
  process.env[KUBECONFIG_ENV] = controlPlane.kubeconfigPath;
  console.log(`[testenv] control plane ready in ${Date.now() - started} ms at ${controlPlane.server}`);
}

export async function teardown(): Promise<void> {
  if (reusedKubeconfig) {
    const removed = await deleteRunNamespaces(reusedKubeconfig, runId).catch(() => 0);
    console.log(`[testenv] removed ${removed} test namespaces from the reused cluster`);
  }
  await controlPlane?.stop();
}
