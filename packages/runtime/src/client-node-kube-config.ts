// Lets every entry point also take a @kubernetes/client-node KubeConfig (tests and testenv build those) without loading client-node here.
import type https from 'node:https';
import type { KubeConfig as ClientNodeKubeConfig } from '@kubernetes/client-node';
import { RestConfig, type RequestSettings, type TlsSettings } from './rest-config.ts';

/** The part of client-node's KubeConfig the runtime uses; structural, so only its type is imported. */
export type ClientNodeKubeConfigLike = Pick<
  ClientNodeKubeConfig,
  'getCurrentContext' | 'getCurrentCluster' | 'getContextObject' | 'applyToHTTPSOptions'
>;

/** Anything the runtime accepts as "the kube config": its own RestConfig, or a client-node KubeConfig. */
export type KubeConfigSource = RestConfig | ClientNodeKubeConfigLike;

const converted = new WeakMap<ClientNodeKubeConfigLike, RestConfig>();

export function toRestConfig(source: KubeConfigSource): RestConfig {
  if (source instanceof RestConfig) return source;
  let restConfig = converted.get(source);
  if (!restConfig) {
    restConfig = fromClientNode(source);
    converted.set(source, restConfig);
  }
  return restConfig;
}

function fromClientNode(kubeConfig: ClientNodeKubeConfigLike): RestConfig {
  const contextName = kubeConfig.getCurrentContext();
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster?.server) throw new Error(`kubeconfig context "${contextName}" has no cluster server`);
  let lastTls: TlsSettings | undefined;
  const requestSettings = async (): Promise<RequestSettings> => {
    // client-node re-reads its files and runs its own exec/token logic here; we only translate the result.
    const options: https.RequestOptions = {};
    await kubeConfig.applyToHTTPSOptions(options);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(options.headers ?? {}))
      if (value !== undefined) headers[name] = String(value);
    if (options.auth) headers['Authorization'] = `Basic ${Buffer.from(options.auth).toString('base64')}`;
    const tls: TlsSettings = {
      rejectUnauthorized: options.rejectUnauthorized !== false,
      ...pemField('ca', options.ca),
      ...pemField('cert', options.cert),
      ...pemField('key', options.key),
      ...(options.servername ? { servername: options.servername } : {}),
    };
    if (!lastTls || !sameTls(lastTls, tls)) lastTls = tls;
    // client-node's agent is only needed for its proxy support; otherwise the transport's keep-alive agent is better.
    const agent = cluster.proxyUrl && typeof options.agent === 'object' ? { agent: options.agent } : {};
    return { headers, tls: lastTls, ...agent };
  };
  const namespace = kubeConfig.getContextObject(contextName)?.namespace;
  return new RestConfig({
    server: cluster.server,
    contextName,
    origin: `kubeconfig context "${contextName}"`,
    namespace,
    requestSettings,
  });
}

function pemField<K extends 'ca' | 'cert' | 'key'>(name: K, value: unknown): Partial<Record<K, string>> {
  if (value === undefined || value === null) return {};
  const text = Array.isArray(value) ? value.map(String).join('\n') : String(value);
  return { [name]: text } as Partial<Record<K, string>>;
}

function sameTls(a: TlsSettings, b: TlsSettings): boolean {
  return (
    a.ca === b.ca &&
    a.cert === b.cert &&
    a.key === b.key &&
    a.rejectUnauthorized === b.rejectUnauthorized &&
    a.servername === b.servername
  );
}
