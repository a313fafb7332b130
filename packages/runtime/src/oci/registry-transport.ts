// HTTP to one registry: TLS (CA, client cert) or plain HTTP, the Basic and Bearer token flows, 429 Retry-After, redirects.
import http from 'node:http';
import https from 'node:https';
import { rootCertificates } from 'node:tls';
import type { RegistryCredentials } from './docker-config.ts';
import { apiHostOf } from './reference.ts';
import { RegistryError, type RegistryErrorCode } from './registry-error.ts';
import { parseWwwAuthenticate, type AuthChallenge } from './www-authenticate.ts';

export interface RegistryTlsOptions {
  /** PEM CA trusted in addition to the system CAs. */
  ca?: string;
  /** PEM client certificate and key for mutual TLS. */
  cert?: string;
  key?: string;
}

export interface RegistryClientOptions {
  /** host[:port] as in the image reference (`docker.io` is reached on registry-1.docker.io). */
  registry: string;
  /** Plain HTTP instead of HTTPS. */
  insecure?: boolean;
  tls?: RegistryTlsOptions;
  /** Basic credentials, sent as Basic auth or to the token endpoint; anonymous when absent. */
  credentials?: RegistryCredentials;
  userAgent?: string;
  /** An HTTP proxy, `http://[user:password@]host:port`: plain requests go through it, HTTPS through CONNECT. */
  proxy?: string;
  /** An idle socket timeout per request (default 30 s). */
  timeoutMs?: number;
  /** How often a 429 (or 503 with Retry-After) is retried (default 3), and the longest wait honoured (default 30 s). */
  maxRetries?: number;
  maxRetryAfterMs?: number;
  signal?: AbortSignal;
}

export interface RegistryRequest {
  method: 'GET' | 'HEAD' | 'PUT' | 'POST' | 'PATCH' | 'DELETE';
  /** A path (`/v2/...`) on the registry or an absolute URL (an upload Location). */
  path: string;
  /** The token scope this request needs, e.g. `repository:team/app:pull`. */
  scope: string;
  headers?: Record<string, string>;
  body?: Buffer;
}

interface CachedToken {
  token: string;
  expiresAt: number;
}

const maxRedirects = 5;
const maxErrorBody = 64 * 1024;

export class RegistryTransport {
  readonly registry: string;
  readonly baseUrl: string;
  private readonly options: RegistryClientOptions;
  private readonly agent: http.Agent;
  /** For other hosts (token endpoints, redirects): through the proxy when there is one, else node's defaults. */
  private readonly otherAgents: { http: http.Agent; https: https.Agent } | undefined;
  /** Once a registry asked for Basic, credentials go with every request instead of a 401 round trip each time. */
  private basicKnown = false;
  private readonly tokens = new Map<string, CachedToken>();
  /** Token requests in flight per scope, so concurrent pulls of one repository fetch one token. */
  private readonly pendingTokens = new Map<string, Promise<string>>();

  constructor(options: RegistryClientOptions) {
    this.options = options;
    this.registry = options.registry;
    this.baseUrl = `${options.insecure ? 'http' : 'https'}://${apiHostOf(options.registry)}`;
    // node's own proxy support (Agent proxyEnv): absolute-URI requests for http, CONNECT tunnels for https
    const proxied = options.proxy
      ? ({ proxyEnv: { HTTP_PROXY: options.proxy, HTTPS_PROXY: options.proxy } } as http.AgentOptions)
      : {};
    this.agent = options.insecure
      ? new http.Agent({ keepAlive: true, maxSockets: 16, ...proxied })
      : new https.Agent({
          keepAlive: true,
          maxSockets: 16,
          ...proxied,
          ...(options.tls?.ca ? { ca: [...rootCertificates, options.tls.ca] } : {}),
          ...(options.tls?.cert ? { cert: options.tls.cert } : {}),
          ...(options.tls?.key ? { key: options.tls.key } : {}),
        });
    this.otherAgents = options.proxy ? { http: new http.Agent(proxied), https: new https.Agent(proxied) } : undefined;
  }

  private agentFor(url: URL): http.Agent | undefined {
    const base = new URL(this.baseUrl);
    if (url.host === base.host && url.protocol === base.protocol) return this.agent;
    return url.protocol === 'http:' ? this.otherAgents?.http : this.otherAgents?.https;
  }

  close(): void {
    this.agent.destroy();
    this.otherAgents?.http.destroy();
    this.otherAgents?.https.destroy();
  }

  /** Sends the request, authenticating and retrying as the registry asks; a non-2xx answer is thrown as RegistryError. */
  async send(request: RegistryRequest): Promise<http.IncomingMessage> {
    let url = new URL(request.path, this.baseUrl);
    let authorization = await this.cachedAuthorization(request.scope);
    let authRetried = false;
    let retries = 0;
    let redirects = 0;
    for (;;) {
      const response = await this.sendOnce(request, url, authorization);
      const status = response.statusCode ?? 0;
      if (status === 401 && !authRetried) {
        const challenge = parseWwwAuthenticate(header(response, 'www-authenticate'));
        await drain(response);
        authRetried = true;
        authorization = await this.answerChallenge(challenge, request.scope, url);
        continue;
      }
      if (
        (status === 429 || (status === 503 && header(response, 'retry-after'))) &&
        retries < (this.options.maxRetries ?? 3)
      ) {
        const waitMs = retryAfterMs(header(response, 'retry-after'), this.options.maxRetryAfterMs ?? 30_000, retries);
        await drain(response);
        retries++;
        await delay(waitMs, this.options.signal).catch((error: unknown) => {
          throw this.failure(request.method, url, error as Error);
        });
        continue;
      }
      if (status >= 300 && status < 400 && status !== 304 && (request.method === 'GET' || request.method === 'HEAD')) {
        const location = header(response, 'location');
        await drain(response);
        if (!location || ++redirects > maxRedirects)
          throw new RegistryError('Protocol', `${request.method} ${String(url)}: too many redirects`, {
            url: String(url),
            status,
          });
        const next = new URL(location, url);
        // Blob storage (S3, a CDN) gets a pre-signed URL; our registry credentials must not follow it there.
        if (next.host !== url.host) authorization = undefined;
        url = next;
        continue;
      }
      if (status >= 200 && status < 300) return response;
      throw await errorFrom(request.method, url, response);
    }
  }

  private sendOnce(
    request: RegistryRequest,
    url: URL,
    authorization: string | undefined,
  ): Promise<http.IncomingMessage> {
    const headers: Record<string, string> = { 'User-Agent': this.options.userAgent ?? 'fluxion', ...request.headers };
    if (authorization) headers['Authorization'] = authorization;
    if (request.body) headers['Content-Length'] = String(request.body.length);
    else if (request.method === 'PUT' || request.method === 'POST' || request.method === 'PATCH')
      headers['Content-Length'] = '0';
    const timeoutMs = this.options.timeoutMs ?? 30_000;
    const transport = url.protocol === 'http:' ? http : https;
    // Our keep-alive agent (and TLS material) is for this registry only; a redirect elsewhere gets a plain one.
    const agent = this.agentFor(url);
    return new Promise((resolve, reject) => {
      const req = transport.request(
        url,
        {
          method: request.method,
          headers,
          ...(agent ? { agent } : {}),
          ...(this.options.signal ? { signal: this.options.signal } : {}),
        },
        resolve,
      );
      req.on('error', (error) => reject(this.failure(request.method, url, error)));
      req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      req.end(request.body);
    });
  }

  /** A network error, or the caller's signal (an overall timeout) ending the request, as a RegistryError naming the URL. */
  failure(method: string, url: URL, error: Error): RegistryError {
    if (error instanceof RegistryError) return error;
    const signal = this.options.signal;
    if (signal?.aborted) {
      const why = signal.reason instanceof Error ? signal.reason.message : String(signal.reason);
      return new RegistryError('Unreachable', `${method} ${url.origin}${url.pathname}: stopped: ${why}`, {
        url: `${url.origin}${url.pathname}`,
        cause: error,
      });
    }
    return networkError(method, url, error);
  }

  private async cachedAuthorization(scope: string): Promise<string | undefined> {
    const cached = this.tokens.get(scope);
    if (cached && cached.expiresAt > Date.now()) return `Bearer ${cached.token}`;
    if (this.basicKnown && this.options.credentials) return basicHeader(this.options.credentials);
    return undefined;
  }

  private async answerChallenge(challenge: AuthChallenge | undefined, scope: string, url: URL): Promise<string> {
    if (challenge?.scheme === 'basic') {
      if (!this.options.credentials) throw unauthorized(url, 'the registry requires credentials and none were given');
      this.basicKnown = true;
      return basicHeader(this.options.credentials);
    }
    if (challenge?.scheme === 'bearer' && challenge.params['realm']) {
      const tokenScope = challenge.params['scope'] || scope;
      const pending = this.pendingTokens.get(tokenScope) ?? this.fetchToken(challenge, tokenScope);
      this.pendingTokens.set(tokenScope, pending);
      try {
        const token = await pending;
        if (tokenScope !== scope) this.tokens.set(scope, this.tokens.get(tokenScope)!);
        return `Bearer ${token}`;
      } finally {
        this.pendingTokens.delete(tokenScope);
      }
    }
    throw unauthorized(
      url,
      `the registry answered 401 with no usable challenge (${challenge?.scheme ?? 'no WWW-Authenticate header'})`,
    );
  }

  private async fetchToken(challenge: AuthChallenge, scope: string): Promise<string> {
    const realm = new URL(challenge.params['realm']!);
    if (challenge.params['service']) realm.searchParams.set('service', challenge.params['service']);
    for (const part of scope.split(' ')) if (part) realm.searchParams.append('scope', part);
    const headers: Record<string, string> = {
      'User-Agent': this.options.userAgent ?? 'fluxion',
      Accept: 'application/json',
    };
    if (this.options.credentials) headers['Authorization'] = basicHeader(this.options.credentials);
    const transport = realm.protocol === 'http:' ? http : https;
    const agent = this.agentFor(realm);
    const response = await new Promise<http.IncomingMessage>((resolve, reject) => {
      const req = transport.request(realm, { method: 'GET', headers, ...(agent ? { agent } : {}) }, resolve);
      req.on('error', (error) => reject(networkError('GET', realm, error)));
      req.setTimeout(this.options.timeoutMs ?? 30_000, () =>
        req.destroy(new Error('no answer from the token endpoint')),
      );
      req.end();
    });
    const body = await readLimited(response, maxErrorBody);
    const tokenUrl = `${realm.origin}${realm.pathname}`;
    if (response.statusCode === 401 || response.statusCode === 403) {
      throw new RegistryError(
        'Unauthorized',
        `token endpoint ${tokenUrl} refused the credentials for ${this.registry} (HTTP ${response.statusCode})`,
        { url: tokenUrl, status: response.statusCode },
      );
    }
    if ((response.statusCode ?? 0) >= 300) {
      throw new RegistryError('Protocol', `token endpoint ${tokenUrl} answered HTTP ${response.statusCode}`, {
        url: tokenUrl,
        status: response.statusCode,
      });
    }
    let parsed: { token?: unknown; access_token?: unknown; expires_in?: unknown };
    try {
      parsed = JSON.parse(body.toString('utf8')) as typeof parsed;
    } catch {
      throw new RegistryError('Protocol', `token endpoint ${tokenUrl} answered with no JSON token`, { url: tokenUrl });
    }
    const token =
      typeof parsed.token === 'string'
        ? parsed.token
        : typeof parsed.access_token === 'string'
          ? parsed.access_token
          : '';
    if (!token)
      throw new RegistryError('Protocol', `token endpoint ${tokenUrl} answered with no token`, { url: tokenUrl });
    const expiresInSeconds = typeof parsed.expires_in === 'number' && parsed.expires_in > 0 ? parsed.expires_in : 60;
    // A little early, so a token does not expire between the check and the request.
    this.tokens.set(scope, { token, expiresAt: Date.now() + Math.max(expiresInSeconds - 5, 1) * 1000 });
    return token;
  }
}

function basicHeader(credentials: RegistryCredentials): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
}

function header(response: http.IncomingMessage, name: string): string | undefined {
  const value = response.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function unauthorized(url: URL, why: string): RegistryError {
  return new RegistryError('Unauthorized', `${url.origin}${url.pathname}: ${why}`, {
    url: `${url.origin}${url.pathname}`,
    status: 401,
  });
}

/** Retry-After in seconds or as an HTTP date; without one, a short exponential wait. */
export function retryAfterMs(value: string | undefined, capMs: number, attempt: number): number {
  let ms = 500 * 2 ** attempt;
  if (value && /^\d+$/.test(value.trim())) ms = Number(value.trim()) * 1000;
  else if (value && !Number.isNaN(Date.parse(value))) ms = Date.parse(value) - Date.now();
  return Math.min(Math.max(ms, 0), capMs);
}

function delay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason as Error);
      },
      { once: true },
    );
  });
}

export async function drain(response: http.IncomingMessage): Promise<void> {
  response.resume();
  if (response.readableEnded) return;
  await new Promise<void>((resolve) => {
    response.once('end', resolve);
    response.once('error', () => resolve());
    response.once('close', resolve);
  });
}

export async function readLimited(response: http.IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      response.destroy();
      break;
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

const statusCodes: Record<number, RegistryErrorCode> = {
  401: 'Unauthorized',
  403: 'Denied',
  404: 'NotFound',
  429: 'TooManyRequests',
  415: 'UnsupportedMediaType',
};

async function errorFrom(method: string, url: URL, response: http.IncomingMessage): Promise<RegistryError> {
  const status = response.statusCode ?? 0;
  const body = method === 'HEAD' ? Buffer.alloc(0) : await readLimited(response, maxErrorBody);
  if (method === 'HEAD') await drain(response);
  let detail = '';
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { errors?: { code?: string; message?: string }[] };
    detail = (parsed.errors ?? []).map((error) => [error.code, error.message].filter(Boolean).join(': ')).join('; ');
  } catch {
    // not the registry's JSON error body; the status says enough
  }
  const where = `${url.origin}${url.pathname}`;
  const code = statusCodes[status] ?? 'Protocol';
  return new RegistryError(code, `${method} ${where}: HTTP ${status}${detail ? ` (${detail})` : ''}`, {
    url: where,
    status,
  });
}

const tlsErrorCodes = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'EPROTO',
]);

function networkError(method: string, url: URL, error: Error): RegistryError {
  const where = `${url.origin}${url.pathname}`;
  const code = (error as NodeJS.ErrnoException).code ?? '';
  if (tlsErrorCodes.has(code) || /certificate|ssl|tls|handshake/i.test(error.message)) {
    return new RegistryError('Tls', `${method} ${where}: TLS failed (${code || error.message})`, {
      url: where,
      cause: error,
    });
  }
  return new RegistryError('Unreachable', `${method} ${where}: ${code || error.message}`, { url: where, cause: error });
}
