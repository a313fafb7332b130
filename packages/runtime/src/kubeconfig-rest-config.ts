// A kubeconfig's current context turned into a RestConfig: the cluster's TLS and the user's credentials.
import { KubeConfigError } from './kube-config-error.ts';
import { ExecCredentialSource, type ExecClusterInfo } from './exec-credential-source.ts';
import { mergeKubeconfigs, type KubeconfigDocument, type KubeconfigEntry } from './kubeconfig-entries.ts';
import { RestConfig, combineTlsAndCredentials, type CredentialSource, type TlsSettings } from './rest-config.ts';
import { TokenFileSource } from './token-file-source.ts';

/** What a kubeconfig from an untrusted place (a user's Secret) may ask for; Flux refuses exec plugins there unless told. */
export interface KubeconfigPolicy {
  allowExec?: boolean;
  allowInsecureTls?: boolean;
}

/** `contextName` (kubectl's --context) picks a context other than current-context. */
export function restConfigFromKubeconfigs(
  documents: readonly KubeconfigDocument[],
  policy: KubeconfigPolicy = {},
  contextName?: string,
): RestConfig {
  const merged = mergeKubeconfigs(documents);
  const origins = merged.origins.join(', ');
  const contextNames = [...merged.contexts.keys()].join(', ') || 'none defined';
  if (contextName !== undefined && !merged.contexts.has(contextName)) {
    throw new KubeConfigError(`${origins}: no context named "${contextName}" (contexts: ${contextNames})`);
  }
  const chosen = contextName ?? merged.currentContext;
  if (!chosen)
    throw new KubeConfigError(`${origins}: current-context: not set; name one of the contexts (${contextNames})`);
  const context = merged.contexts.get(chosen);
  if (!context) throw new KubeConfigError(`${origins}: current-context: no context named "${chosen}"`);
  const clusterName = context.string('cluster');
  if (!clusterName) throw context.error('cluster', 'names no cluster');
  const cluster = merged.clusters.get(clusterName);
  if (!cluster) throw context.error('cluster', `no cluster named "${clusterName}" in ${origins}`);
  const userName = context.string('user');
  const user = userName === undefined ? undefined : merged.users.get(userName);
  if (userName !== undefined && !user) throw context.error('user', `no user named "${userName}" in ${origins}`);

  const server = serverOf(cluster);
  const tls = tlsOf(cluster, policy);
  const credentials = user ? credentialsOf(user, cluster, server, policy) : { headers: {}, source: undefined, tls: {} };
  return new RestConfig({
    server,
    contextName: context.name,
    origin: origins,
    namespace: context.string('namespace'),
    requestSettings: combineTlsAndCredentials({ ...tls, ...credentials.tls }, credentials.headers, credentials.source),
  });
}

function serverOf(cluster: KubeconfigEntry): string {
  const server = cluster.string('server');
  if (!server) throw cluster.error('server', 'not set; the API server URL is needed');
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw cluster.error('server', `"${server}" is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw cluster.error('server', `"${server}" must start with https:// or http://`);
  if (cluster.has('proxy-url')) throw cluster.error('proxy-url', 'is not supported; reach the API server directly');
  return server;
}

function tlsOf(cluster: KubeconfigEntry, policy: KubeconfigPolicy): TlsSettings {
  const insecure = cluster.boolean('insecure-skip-tls-verify');
  if (insecure && policy.allowInsecureTls === false)
    throw cluster.error('insecure-skip-tls-verify', 'is not allowed for this kubeconfig');
  const servername = cluster.string('tls-server-name');
  // With verification off a CA is pointless, and kubectl refuses the pair; we let verification off win.
  const ca = insecure ? undefined : cluster.pem('certificate-authority');
  return {
    rejectUnauthorized: !insecure,
    ...(ca !== undefined ? { ca } : {}),
    ...(servername !== undefined ? { servername } : {}),
  };
}

interface UserCredentials {
  headers: Record<string, string>;
  source: CredentialSource | undefined;
  tls: { cert?: string; key?: string };
}

function credentialsOf(
  user: KubeconfigEntry,
  cluster: KubeconfigEntry,
  server: string,
  policy: KubeconfigPolicy,
): UserCredentials {
  const authProvider = user.fields['auth-provider'] as { name?: unknown } | undefined;
  if (authProvider) {
    const name = typeof authProvider.name === 'string' ? authProvider.name : 'unnamed';
    throw user.error(
      'auth-provider',
      `"${name}" is not supported (auth providers were removed from Kubernetes); use an exec credential plugin instead, e.g. gke-gcloud-auth-plugin, kubelogin or aws eks get-token`,
    );
  }

  const cert = user.pem('client-certificate');
  const key = user.pem('client-key');
  if ((cert === undefined) !== (key === undefined)) {
    throw user.error(
      cert === undefined ? 'client-certificate' : 'client-key',
      'a client certificate needs both client-certificate(-data) and client-key(-data)',
    );
  }
  const token = user.string('token');
  const tokenFile = user.filePath('tokenFile');
  const username = user.string('username');
  const password = user.string('password');
  if ((token !== undefined || tokenFile !== undefined) && (username !== undefined || password !== undefined)) {
    throw user.error('username', 'set either a bearer token (token, tokenFile) or username and password, not both');
  }
  const headers: Record<string, string> = {};
  let source: CredentialSource | undefined;
  // A literal token wins over tokenFile, as in client-go.
  if (token !== undefined) headers['Authorization'] = `Bearer ${token}`;
  else if (tokenFile !== undefined) source = new TokenFileSource(tokenFile, user.where('tokenFile'));
  if (username !== undefined || password !== undefined) {
    headers['Authorization'] = `Basic ${Buffer.from(`${username ?? ''}:${password ?? ''}`).toString('base64')}`;
  }
  if (user.fields['exec']) {
    if (policy.allowExec === false) throw user.error('exec', 'credential plugins are not allowed for this kubeconfig');
    source = execSourceOf(user, cluster, server);
  }
  Object.assign(headers, impersonationHeadersOf(user));
  return { headers, source, tls: cert !== undefined && key !== undefined ? { cert, key } : {} };
}

/** `as`, `as-uid` and one `as-groups` entry become kubectl's Impersonate-* headers. */
function impersonationHeadersOf(user: KubeconfigEntry): Record<string, string> {
  const headers: Record<string, string> = {};
  const as = user.string('as');
  const uid = user.string('as-uid');
  if (as !== undefined) headers['Impersonate-User'] = as;
  if (uid !== undefined) headers['Impersonate-Uid'] = uid;
  const groups = user.fields['as-groups'];
  if (groups !== undefined) {
    if (!Array.isArray(groups) || groups.length > 1 || groups.some((group) => typeof group !== 'string')) {
      throw user.error('as-groups', 'only a single group is supported');
    }
    if (groups[0] !== undefined) headers['Impersonate-Group'] = groups[0] as string;
  }
  if (user.has('as-user-extra')) throw user.error('as-user-extra', 'is not supported');
  if ((uid !== undefined || groups !== undefined) && as === undefined)
    throw user.error('as', 'must be set when as-uid or as-groups is');
  return headers;
}

function execSourceOf(user: KubeconfigEntry, cluster: KubeconfigEntry, server: string): ExecCredentialSource {
  const exec = user.fields['exec'] as Record<string, unknown>;
  const where = user.where('exec');
  const command = exec['command'];
  if (typeof command !== 'string' || command === '') throw new KubeConfigError(`${where}.command: not set`);
  const args = exec['args'] ?? [];
  if (!Array.isArray(args) || args.some((arg) => typeof arg !== 'string'))
    throw new KubeConfigError(`${where}.args: must be a list of strings`);
  const env = exec['env'] ?? [];
  if (
    !Array.isArray(env) ||
    env.some(
      (item: { name?: unknown; value?: unknown } | null) =>
        typeof item?.name !== 'string' || typeof item.value !== 'string',
    )
  ) {
    throw new KubeConfigError(`${where}.env: must be a list of {name, value} strings`);
  }
  const apiVersion = exec['apiVersion'];
  if (typeof apiVersion !== 'string' || apiVersion === '') throw new KubeConfigError(`${where}.apiVersion: not set`);
  return new ExecCredentialSource(
    {
      apiVersion,
      // A command with a slash is a path relative to the kubeconfig; a bare name is looked up on PATH.
      command: command.includes('/') ? user.resolvePath(command) : command,
      args: args as string[],
      env: env as { name: string; value: string }[],
      installHint: typeof exec['installHint'] === 'string' ? exec['installHint'] : undefined,
      interactiveMode: typeof exec['interactiveMode'] === 'string' ? exec['interactiveMode'] : undefined,
    },
    { field: where, cluster: exec['provideClusterInfo'] === true ? clusterInfoOf(cluster, server) : undefined },
  );
}

function clusterInfoOf(cluster: KubeconfigEntry, server: string): ExecClusterInfo {
  const ca = cluster.pem('certificate-authority');
  const servername = cluster.string('tls-server-name');
  const extensions = Array.isArray(cluster.fields['extensions'])
    ? (cluster.fields['extensions'] as { name?: unknown; extension?: unknown }[])
    : [];
  const execExtension = extensions.find((extension) => extension?.name === 'client.authentication.k8s.io/exec');
  return {
    server,
    ...(servername !== undefined ? { 'tls-server-name': servername } : {}),
    ...(cluster.boolean('insecure-skip-tls-verify') ? { 'insecure-skip-tls-verify': true } : {}),
    ...(ca !== undefined ? { 'certificate-authority-data': Buffer.from(ca).toString('base64') } : {}),
    ...(execExtension?.extension !== undefined ? { config: execExtension.extension } : {}),
  };
}
