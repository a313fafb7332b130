// Where a client's credentials come from: KUBECONFIG, the in-cluster ServiceAccount, ~/.kube/config, or a kubeconfig string.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { inClusterConfig, isInCluster } from './in-cluster-config.ts';
import { KubeConfigError } from './kube-config-error.ts';
import { readKubeconfigFiles } from './kubeconfig-entries.ts';
import { restConfigFromKubeconfigs, type KubeconfigPolicy } from './kubeconfig-rest-config.ts';
import type { RestConfig } from './rest-config.ts';

export { KubeConfigError };

export interface LoadKubeConfigOptions {
  /** `--kubeconfig`: wins over everything else; like KUBECONFIG it may list several files. */
  kubeconfigPath?: string;
  /** Defaults to process.env (KUBECONFIG, KUBERNETES_SERVICE_HOST/PORT). */
  env?: NodeJS.ProcessEnv;
  /** Where the ServiceAccount is mounted; default /var/run/secrets/kubernetes.io/serviceaccount. */
  serviceAccountDir?: string;
  /** Where ~/.kube/config is looked for. */
  homeDir?: string;
  /** kubectl's `--context`: a context of the kubeconfig other than its current-context. */
  context?: string;
}

/** As controller-runtime: --kubeconfig, then KUBECONFIG (files merged), then the in-cluster config, then ~/.kube/config. */
export function loadKubeConfig(options: LoadKubeConfigOptions = {}): RestConfig {
  const env = options.env ?? process.env;
  const context = options.context;
  if (options.kubeconfigPath) return fromFiles(options.kubeconfigPath, `kubeconfig ${options.kubeconfigPath}`, context);
  const kubeconfigVariable = env['KUBECONFIG'];
  if (kubeconfigVariable) return fromFiles(kubeconfigVariable, `KUBECONFIG=${kubeconfigVariable}`, context);
  const inCluster = { env, ...(options.serviceAccountDir ? { serviceAccountDir: options.serviceAccountDir } : {}) };
  if (isInCluster(inCluster) && context === undefined) return inClusterConfig(inCluster);
  const defaultPath = join(options.homeDir ?? homedir(), '.kube', 'config');
  if (!existsSync(defaultPath)) {
    throw new KubeConfigError(
      `no kubeconfig: KUBECONFIG is not set, this is not a pod (no KUBERNETES_SERVICE_HOST and ServiceAccount token), and ${defaultPath} does not exist`,
    );
  }
  return fromFiles(defaultPath, defaultPath, context);
}

/**
 * For `spec.kubeConfig.secretRef`: the kubeconfig a user stored in a Secret. Exec plugins are refused unless
 * `policy.allowExec` (as Flux's --insecure-kubeconfig-exec), since the Secret's author would choose the command.
 */
export function kubeConfigFromString(
  kubeconfigYaml: string,
  origin = 'kubeconfig string',
  policy: KubeconfigPolicy = {},
): RestConfig {
  return restConfigFromKubeconfigs([{ origin, text: kubeconfigYaml }], { allowExec: false, ...policy });
}

function fromFiles(pathList: string, describe: string, context?: string): RestConfig {
  return restConfigFromKubeconfigs(readKubeconfigFiles(pathList.split(delimiter), describe), {}, context);
}
