// How to reach one API server: its URL, the TLS to trust it with, and the credentials each request carries.
import type http from 'node:http';

/** PEM text for node:tls; the same object for as long as the material is unchanged, so a transport can keep its agent. */
export interface TlsSettings {
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: string;
  readonly rejectUnauthorized: boolean;
  readonly servername?: string;
}

/** What one request needs: headers (Authorization, impersonation), TLS, and an agent when the source insists on its own. */
export interface RequestSettings {
  readonly headers: Readonly<Record<string, string>>;
  readonly tls: TlsSettings;
  readonly agent?: http.Agent;
}

/** Credentials as a source hands them out: headers, and a client certificate for those that issue one (exec plugins). */
export interface Credentials {
  readonly headers?: Readonly<Record<string, string>>;
  readonly cert?: string;
  readonly key?: string;
}

/** Asked before every request; a source caches what it can (a token file for a minute, an exec credential until it expires). */
export interface CredentialSource {
  current(): Credentials | Promise<Credentials>;
}

export interface RestConfigInit {
  server: string;
  /** The kubeconfig context this came from (`in-cluster` for the ServiceAccount). */
  contextName: string;
  /** The file or Secret it was read from, for error messages. */
  origin: string;
  namespace?: string | undefined;
  requestSettings: () => Promise<RequestSettings>;
}

export class RestConfig {
  readonly server: string;
  readonly contextName: string;
  readonly origin: string;
  /** The context's namespace (or the ServiceAccount's, in a cluster), if it names one. */
  readonly namespace: string | undefined;
  readonly #requestSettings: () => Promise<RequestSettings>;

  constructor(init: RestConfigInit) {
    this.server = init.server;
    this.contextName = init.contextName;
    this.origin = init.origin;
    this.namespace = init.namespace;
    this.#requestSettings = init.requestSettings;
  }

  requestSettings(): Promise<RequestSettings> {
    return this.#requestSettings();
  }
}

/**
 * Requests settings from the cluster's TLS and a user's credentials. The TLS object is rebuilt only when a source
 * hands out a different client certificate, so transports keep their keep-alive agent otherwise.
 */
export function combineTlsAndCredentials(
  clusterTls: TlsSettings,
  staticHeaders: Record<string, string>,
  source: CredentialSource | undefined,
): () => Promise<RequestSettings> {
  const staticSettings: RequestSettings = { headers: staticHeaders, tls: clusterTls };
  if (!source) return () => Promise.resolve(staticSettings);
  let lastTls = clusterTls;
  return async () => {
    const credentials = await source.current();
    if (credentials.cert !== undefined && credentials.key !== undefined) {
      if (lastTls.cert !== credentials.cert || lastTls.key !== credentials.key)
        lastTls = { ...clusterTls, cert: credentials.cert, key: credentials.key };
    } else {
      lastTls = clusterTls;
    }
    return { headers: { ...staticHeaders, ...credentials.headers }, tls: lastTls };
  };
}
