// installCrds loads @kubernetes/client-node only when called: controllers import @fluxion/api for its
// constants and would otherwise pay ~50 MiB of RSS for a client they never use.
import type { KubeConfig } from '@kubernetes/client-node';
import type { InstallCrdsOptions } from './install-crds.ts';

export async function installCrds(kubeConfig: KubeConfig, options: InstallCrdsOptions = {}): Promise<void> {
  const { installCrdsNow } = await import('./install-crds.ts');
  await installCrdsNow(kubeConfig, options);
}
