// Installs Fluxion's CRDs into a cluster and waits until they are Established.
// Usage: node install-crds.ts [kubeconfig]   (default: $KUBECONFIG)
import { KubeConfig } from '@kubernetes/client-node';
import { installCrds, loadCrds } from '../src/index.ts';

const kubeConfig = new KubeConfig();
const path = process.argv[2];
if (path) kubeConfig.loadFromFile(path);
else kubeConfig.loadFromDefault();
const began = performance.now();
await installCrds(kubeConfig);
console.log(
  `      ${loadCrds().length} CRDs installed and Established in ${((performance.now() - began) / 1000).toFixed(1)} s`,
);
