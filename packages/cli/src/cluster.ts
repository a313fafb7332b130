// The cluster a command talks to: kubeconfig and context from the flags, one client, and errors that name the server.
import {
  createClient,
  isApiError,
  KubeConfigError,
  loadKubeConfig,
  type KubeClient,
  type RestConfig,
} from '@fluxion/runtime/client';
import { booleanFlag, stringFlag, type FlagValue } from './args.ts';
import { CliError } from './cli-error.ts';

export const defaultNamespace = 'flux-system';

export interface Cluster {
  client: KubeClient;
  config: RestConfig;
  /** -n, else the context's namespace, else flux-system (where Flux lives). */
  namespace: string;
  /** -A: every namespace. */
  allNamespaces: boolean;
  /** Turns a failed request into a message naming the server and where its address came from. */
  explain(error: unknown): Error;
}

export function connectCluster(flags: Record<string, FlagValue>): Cluster {
  const kubeconfigPath = stringFlag(flags, 'kubeconfig');
  const context = stringFlag(flags, 'context');
  let config: RestConfig;
  try {
    config = loadKubeConfig({ ...(kubeconfigPath ? { kubeconfigPath } : {}), ...(context ? { context } : {}) });
  } catch (error) {
    if (error instanceof KubeConfigError) throw new CliError(`kubeconfig: ${error.message}`);
    throw error;
  }
  const requestTimeout = Number(stringFlag(flags, 'request-timeout') ?? '30');
  const client = createClient({
    kubeConfig: config,
    userAgent: 'fluxion-cli',
    qps: 200,
    burst: 400,
    requestTimeoutMs: requestTimeout * 1000,
  });
  const explain = (error: unknown): Error => explainRequestError(error, config);
  return {
    client,
    config,
    namespace: stringFlag(flags, 'namespace') ?? config.namespace ?? defaultNamespace,
    allNamespaces: booleanFlag(flags, 'all-namespaces'),
    explain,
  };
}

const networkCodes = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNRESET',
]);

export function explainRequestError(error: unknown, config: RestConfig): Error {
  if (error instanceof CliError) return error;
  const where = `context "${config.contextName}" from kubeconfig ${config.origin}`;
  if (isApiError(error)) {
    if (error.statusCode === 401)
      return new CliError(`the API server at ${config.server} refused the credentials of ${where} (401 Unauthorized)`);
    if (error.statusCode === 403) return new CliError(`forbidden: ${error.serverMessage} (${where})`);
    return new CliError(error.serverMessage);
  }
  const code = (error as { code?: unknown } | undefined)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (
    (typeof code === 'string' && (networkCodes.has(code) || code.startsWith('ERR_TLS') || code.includes('CERT'))) ||
    /no answer from|sent no response/.test(message)
  ) {
    return new CliError(`cannot reach the Kubernetes API server at ${config.server} (${where}): ${message}`);
  }
  return error instanceof Error ? error : new Error(message);
}
