// One GET (or POST) to a git server over HTTP(S), in-process: TLS material from the Secret, a proxy (spec.proxySecretRef or the
// environment, CONNECT for https), credentials sent only to the repository's origin, redirects followed as git follows
// them, and one deadline for all of it. Failures are GitHttpErrors that name the host.
import { type ClientRequest, type IncomingHttpHeaders, type IncomingMessage, request as httpRequest } from 'node:http';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import { readFileSync } from 'node:fs';
import { connect as tlsConnect, createSecureContext, rootCertificates } from 'node:tls';
import { isIP } from 'node:net';
import { gunzipSync, inflateSync } from 'node:zlib';
import type { GitTlsSettings, TlsFailure } from './git-tls-failure.ts';
import type { GitCredentials, GitProxy, GitTlsMaterial } from './git-transport.ts';
import { proxyFor, type ResolvedProxy } from './git-http-proxy.ts';
import { recogniseNodeTlsFailure, unusableClientCertificateHint } from './node-tls-failure.ts';

export type GitHttpErrorKind = 'timeout' | 'tls' | 'connection' | 'proxy' | 'redirect' | 'too-large';

export class GitHttpError extends Error {
  readonly kind: GitHttpErrorKind;
  /** host[:port] of the server (or proxy) the failure is about. */
  readonly host: string;
  readonly tls: TlsFailure | undefined;
  constructor(kind: GitHttpErrorKind, host: string, message: string, tls?: TlsFailure) {
    super(message);
    this.name = 'GitHttpError';
    this.kind = kind;
    this.host = host;
    this.tls = tls;
  }
}

export interface GitHttpRequestOptions {
  headers?: Record<string, string>;
  /** `Authorization` value; sent to the repository's origin only, never after a redirect to another one. */
  authorization?: string;
  tls?: GitTlsMaterial;
  proxy?: GitProxy;
  /** Absolute time (ms since the epoch) by which the whole exchange, redirects included, must be done. */
  deadline: number;
  /** Cap on the (decoded) body. */
  maxBytes: number;
  /** A request body makes it a POST (never redirected: git follows redirects only on its first request). */
  body?: Buffer;
  /** Read for proxy settings; the process environment by default. */
  environment?: NodeJS.ProcessEnv;
}

export interface GitHttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** Where the answer came from, after redirects. */
  url: URL;
}

/** The `authorization` option for basic or bearer credentials from the Secret (SSH ones do not apply to HTTP). */
export function authorizationFor(credentials: GitCredentials | undefined): { authorization?: string } {
  if (credentials?.kind === 'basic')
    return {
      authorization: `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`,
    };
  if (credentials?.kind === 'bearer') return { authorization: `Bearer ${credentials.bearerToken}` };
  return {};
}

// curl's limit, which git keeps.
const maxRedirects = 20;

export async function gitHttpRequest(url: URL, options: GitHttpRequestOptions): Promise<GitHttpResponse> {
  const origin = url.origin;
  const tlsOptions = tlsRequestOptions(url, options.tls);
  let current = url;
  for (let redirects = 0; ; redirects++) {
    const authorization = current.origin === origin ? options.authorization : undefined;
    const response = await requestOnce(current, options, tlsOptions, authorization);
    const location = response.headers.location;
    if (options.body || ![301, 302, 303, 307, 308].includes(response.status) || !location) return response;
    if (redirects >= maxRedirects)
      throw new GitHttpError('redirect', current.host, `more than ${maxRedirects} redirects from ${url.host}`);
    const next = new URL(location, current);
    if (next.protocol !== 'http:' && next.protocol !== 'https:')
      throw new GitHttpError('redirect', current.host, `${current.host} redirected to a non-HTTP URL`);
    // Like git, a redirect may move the repository but never downgrade it from https to http.
    if (current.protocol === 'https:' && next.protocol === 'http:')
      throw new GitHttpError('redirect', current.host, `${current.host} redirected from https to plain http`);
    current = next;
  }
}

interface TlsRequestOptions {
  ca?: string[];
  cert?: string;
  key?: string;
  settings: GitTlsSettings;
}

function tlsRequestOptions(url: URL, tls: GitTlsMaterial | undefined): TlsRequestOptions {
  const settings = { caCert: Boolean(tls?.caCert), clientCertificate: Boolean(tls?.clientCert) };
  const options: TlsRequestOptions = { settings };
  if (url.protocol !== 'https:') return options;
  const base = baseCertificates();
  // Like Flux, ca.crt adds to the trusted roots rather than replacing them.
  if (tls?.caCert) options.ca = [...(base ?? rootCertificates), tls.caCert];
  else if (base) options.ca = base;
  if (tls?.clientCert && tls.clientKey) {
    try {
      createSecureContext({ cert: tls.clientCert, key: tls.clientKey });
    } catch (error) {
      const cause = `unable to use client certificate: ${error instanceof Error ? error.message : String(error)}`;
      throw new GitHttpError('tls', url.host, cause, {
        kind: 'unusable-client-certificate',
        cause,
        hint: unusableClientCertificateHint,
      });
    }
    options.cert = tls.clientCert;
    options.key = tls.clientKey;
  }
  return options;
}

// SSL_CERT_FILE replaces the trusted roots for git (curl); it does the same here. Read once.
let sslCertFile: { path: string; certificates: string[] | undefined } | undefined;
function baseCertificates(): string[] | undefined {
  const path = process.env.SSL_CERT_FILE;
  if (!path) return undefined;
  if (sslCertFile?.path !== path) {
    let certificates: string[] | undefined;
    try {
      certificates = [readFileSync(path, 'utf8')];
    } catch {
      certificates = undefined;
    }
    sslCertFile = { path, certificates };
  }
  return sslCertFile.certificates;
}

function requestOnce(
  url: URL,
  options: GitHttpRequestOptions,
  tls: TlsRequestOptions,
  authorization: string | undefined,
): Promise<GitHttpResponse> {
  const https = url.protocol === 'https:';
  const headers: Record<string, string> = { ...options.headers };
  if (authorization) headers.Authorization = authorization;
  const proxy = proxyFor(url, options.proxy, options.environment ?? process.env);
  const abort = new AbortController();
  const remaining = options.deadline - Date.now();
  return new Promise<GitHttpResponse>((resolve, reject) => {
    let settled = false;
    let responded = false;
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      abort.abort();
      reject(classify(error, url, https, responded, tls.settings, proxy));
    };
    const timer = setTimeout(
      () => fail(new GitHttpError('timeout', url.host, `request to ${url.host} timed out`)),
      Math.max(0, remaining),
    );
    const onResponse = (response: IncomingMessage) => {
      responded = true;
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > options.maxBytes) {
          fail(
            new GitHttpError(
              'too-large',
              url.host,
              `the answer of ${url.host} is larger than ${options.maxBytes} bytes`,
            ),
          );
          response.destroy();
          return;
        }
        chunks.push(chunk);
      });
      response.on('error', fail);
      response.on('end', () => {
        if (settled) return;
        try {
          const body = decode(Buffer.concat(chunks), response.headers['content-encoding'], options.maxBytes, url);
          settled = true;
          clearTimeout(timer);
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body, url });
        } catch (error) {
          fail(error);
        }
      });
    };
    const sent = (request: ClientRequest) => {
      request.on('response', onResponse);
      request.on('error', fail);
      request.end(options.body);
    };
    const serverTls: RequestOptions = {
      ...(tls.ca ? { ca: tls.ca } : {}),
      ...(tls.cert ? { cert: tls.cert, key: tls.key } : {}),
      ...(isIP(url.hostname.replace(/^\[|\]$/g, '')) ? {} : { servername: url.hostname }),
    };
    try {
      if (!proxy) {
        sent(
          (https ? httpsRequest : httpRequest)(url, {
            method: options.body ? 'POST' : 'GET',
            headers,
            signal: abort.signal,
            ...(https ? serverTls : {}),
          }),
        );
      } else if (!https) {
        // Plain http through a proxy: the absolute URL as the request target.
        sent(
          proxyModule(proxy)(proxy.url, {
            method: options.body ? 'POST' : 'GET',
            path: url.href,
            headers: { ...headers, Host: url.host, ...proxyAuthorization(proxy) },
            signal: abort.signal,
          }),
        );
      } else {
        const tunnel = proxyModule(proxy)(proxy.url, {
          method: 'CONNECT',
          path: `${url.hostname}:${url.port || '443'}`,
          headers: { Host: `${url.hostname}:${url.port || '443'}`, ...proxyAuthorization(proxy) },
          signal: abort.signal,
          agent: false,
        });
        tunnel.on('connect', (answer: IncomingMessage, socket) => {
          if (answer.statusCode !== 200) {
            socket.destroy();
            fail(proxyRefused(proxy, answer.statusCode));
            return;
          }
          const secured = tlsConnect({
            socket,
            // The name checked against the server's certificate.
            host: url.hostname.replace(/^\[|\]$/g, ''),
            ...(tls.ca ? { ca: tls.ca } : {}),
            ...(tls.cert ? { cert: tls.cert, key: tls.key } : {}),
            ...(serverTls.servername ? { servername: serverTls.servername } : {}),
          });
          sent(
            httpsRequest(url, {
              method: options.body ? 'POST' : 'GET',
              headers,
              signal: abort.signal,
              // No agent: the request goes over the tunnel's TLS socket (agent: false would open a new connection).
              createConnection: () => secured,
            }),
          );
        });
        tunnel.on('response', (answer: IncomingMessage) => fail(proxyRefused(proxy, answer.statusCode)));
        tunnel.on('error', (error) =>
          fail(new GitHttpError('proxy', proxy.url.host, `proxy ${proxy.url.host}: ${error.message}`)),
        );
        tunnel.end();
      }
    } catch (error) {
      fail(error);
    }
  }).then((response) => {
    if (proxy && !https && response.status === 407) throw proxyRefused(proxy, 407);
    return response;
  });
}

function proxyModule(proxy: ResolvedProxy): typeof httpRequest {
  return proxy.url.protocol === 'https:' ? httpsRequest : httpRequest;
}

function proxyAuthorization(proxy: ResolvedProxy): Record<string, string> {
  return proxy.authorization ? { 'Proxy-Authorization': proxy.authorization } : {};
}

function proxyRefused(proxy: ResolvedProxy, status: number | undefined): GitHttpError {
  const why =
    status === 407
      ? 'proxy authentication failed (check username and password in spec.proxySecretRef)'
      : `the proxy refused the tunnel with HTTP ${status ?? 'no status'}`;
  return new GitHttpError('proxy', proxy.url.host, `proxy ${proxy.url.host}: ${why}`);
}

function classify(
  error: unknown,
  url: URL,
  https: boolean,
  responded: boolean,
  settings: GitTlsSettings,
  proxy: ResolvedProxy | undefined,
): GitHttpError {
  if (error instanceof GitHttpError) return error;
  const tls = recogniseNodeTlsFailure(error, { https, beforeResponse: !responded, settings });
  if (tls) return new GitHttpError('tls', url.host, tls.cause, tls);
  const message = error instanceof Error ? error.message : String(error);
  const where = proxy ? `${url.host} (through proxy ${proxy.url.host})` : url.host;
  return new GitHttpError('connection', url.host, `cannot reach ${where}: ${message}`);
}

function decode(body: Buffer, encoding: string | undefined, maxBytes: number, url: URL): Buffer {
  try {
    if (encoding === 'gzip' || encoding === 'x-gzip') return gunzipSync(body, { maxOutputLength: maxBytes });
    if (encoding === 'deflate') return inflateSync(body, { maxOutputLength: maxBytes });
  } catch (error) {
    throw new GitHttpError(
      'connection',
      url.host,
      `cannot decode the ${encoding} answer of ${url.host}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return body;
}
