// One control plane for the whole vitest run; test files reach it through FLUXION_TESTENV_KUBECONFIG.
import { startControlPlane, type ControlPlane } from './control-plane.ts';
import { KUBECONFIG_ENV } from './test-namespace.ts';

let controlPlane: ControlPlane | undefined;

export async function setup(): Promise<void> {
  if (process.env[KUBECONFIG_ENV]) return; // reuse a cluster the developer already runs
  const started = Date.now();
  controlPlane = await startControlPlane({ full: true });
  process.env[KUBECONFIG_ENV] = controlPlane.kubeconfigPath;
  console.log(`[testenv] control plane ready in ${Date.now() - started} ms at ${controlPlane.server}`);
}

export async function teardown(): Promise<void> {
  await controlPlane?.stop();
}
