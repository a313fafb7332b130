// The in-cluster config: the API server from KUBERNETES_SERVICE_HOST/PORT, trusted and authenticated with the pod's ServiceAccount.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KubeConfigError } from './kube-config-error.ts';
import { RestConfig, combineTlsAndCredentials } from './rest-config.ts';
import { TokenFileSource } from './token-file-source.ts';

export const serviceAccountDir = '/var/run/secrets/kubernetes.io/serviceaccount';

export interface InClusterOptions {
  env?: NodeJS.ProcessEnv;
  /** Where the ServiceAccount's token, ca.crt and namespace are mounted. */
  serviceAccountDir?: string;
}

/** Running in a pod: the service host is set and a token is mounted. */
export function isInCluster(options: InClusterOptions = {}): boolean {
  const env = options.env ?? process.env;
  return (
    Boolean(env['KUBERNETES_SERVICE_HOST']) && existsSync(join(options.serviceAccountDir ?? serviceAccountDir, 'token'))
  );
}

export function inClusterConfig(options: InClusterOptions = {}): RestConfig {
  const env = options.env ?? process.env;
  const dir = options.serviceAccountDir ?? serviceAccountDir;
  const host = env['KUBERNETES_SERVICE_HOST'];
  const port = env['KUBERNETES_SERVICE_PORT'];
  if (!host || !port)
    throw new KubeConfigError(
      'in-cluster config: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must both be set',
    );
  const caPath = join(dir, 'ca.crt');
  let ca: string;
  try {
    ca = readFileSync(caPath, 'utf8');
  } catch (error) {
    throw new KubeConfigError(`in-cluster config: cannot read the cluster CA ${caPath}: ${(error as Error).message}`);
  }
  const tokenPath = join(dir, 'token');
  const tokenSource = new TokenFileSource(tokenPath, `in-cluster config: ${tokenPath}`);
  return new RestConfig({
    server: `https://${host.includes(':') ? `[${host}]` : host}:${port}`,
    contextName: 'in-cluster',
    origin: 'in-cluster config',
    namespace: readNamespace(join(dir, 'namespace')),
    requestSettings: combineTlsAndCredentials({ ca, rejectUnauthorized: true }, {}, tokenSource),
  });
}

function readNamespace(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}
