// One HTTP(S) POST with a deadline, the Provider's CA and client certificate; failures sorted into retryable or not.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { DeliveryError } from './notifier.ts';

export interface PostOptions {
  headers?: Record<string, string>;
  /** An http:// proxy, with credentials as user info: absolute URIs for http targets, CONNECT tunnels for https. */
  proxy?: string;
  /** POST unless said otherwise (Matrix sends with PUT). */
  method?: 'POST' | 'PUT' | 'GET';
  timeoutMs: number;
  tls?: { ca?: string; cert?: string; key?: string };
  signal?: AbortSignal;
}

export interface PostResult {
  status: number;
  body: string;
}

/** Posts and returns the answer of a 2xx; anything else is a DeliveryError naming `scheme://host` only. */
export async function postJson(address: string, payload: unknown, options: PostOptions): Promise<PostResult> {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  return post(address, body, { 'content-type': 'application/json', ...options.headers }, options);
}

export async function post(
  address: string,
  body: string | Buffer,
  headers: Record<string, string>,
  options: PostOptions,
): Promise<PostResult> {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    throw new DeliveryError('the address is not a valid URL', { retryable: false });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new DeliveryError(`the address scheme ${url.protocol} is not http or https`, { retryable: false });
  }
  const where = `${url.protocol}//${url.host}`;
  const proxy = options.proxy ? parseProxy(options.proxy) : undefined;
  if (proxy instanceof DeliveryError) throw proxy;
  // https through a proxy: the TLS session runs inside a CONNECT tunnel opened first
  const tunnel = proxy && url.protocol === 'https:' ? await openTunnel(proxy, url, options.timeoutMs) : undefined;
  const target = proxyTarget(url, proxy, tunnel, options.tls);
  // a timer and a listener removed when done: AbortSignal.any/timeout on a long-lived signal keeps every request
  // alive in memory (about 4 KiB per delivery in a burst)
  return new Promise<PostResult>((resolve, reject) => {
    let timedOut = false;
    const finish = (settle: () => void): void => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      settle();
    };
    const req = target.request(
      target.url,
      {
        method: options.method ?? 'POST',
        headers: {
          'user-agent': 'fluxion-notification-controller',
          ...headers,
          ...target.headers,
          'content-length': String(Buffer.byteLength(body)),
        },
        ...target.options,
      },
      (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size <= 64 * 1024) chunks.push(chunk);
        });
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          const answer = Buffer.concat(chunks).toString('utf8');
          if (status >= 200 && status < 300) return finish(() => resolve({ status, body: answer }));
          const retryable = status >= 500 || status === 429 || status === 408;
          finish(() =>
            reject(
              new DeliveryError(`${where} answered ${status}${answer ? `: ${oneLine(answer)}` : ''}`, {
                retryable,
                status,
              }),
            ),
          );
        });
        res.on('error', (error) =>
          finish(() => reject(new DeliveryError(`${where}: ${error.message}`, { retryable: true, cause: error }))),
        );
      },
    );
    const timer = setTimeout(() => {
      timedOut = true;
      req.destroy();
    }, options.timeoutMs);
    const onAbort = (): void => void req.destroy();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    req.on('error', (error: Error & { code?: string }) => {
      if (timedOut) {
        finish(() =>
          reject(
            new DeliveryError(`${where} did not answer within ${options.timeoutMs} ms`, {
              retryable: true,
              cause: error,
            }),
          ),
        );
      } else {
        finish(() =>
          reject(
            new DeliveryError(`${where}: ${error.code ?? error.message}`, {
              retryable: !options.signal?.aborted,
              cause: error,
            }),
          ),
        );
      }
    });
    if (options.signal?.aborted) req.destroy();
    req.end(body);
  });
}

interface Proxy {
  host: string;
  port: number;
  authorization: string | undefined;
}

function parseProxy(address: string): Proxy | DeliveryError {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    return new DeliveryError('the proxy address is not a valid URL', { retryable: false });
  }
  if (url.protocol !== 'http:')
    return new DeliveryError(`the proxy scheme ${url.protocol} is not http`, { retryable: false });
  const authorization = url.username
    ? `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`
    : undefined;
  return { host: url.hostname, port: Number(url.port || 80), authorization };
}

interface Target {
  request: typeof httpRequest;
  url: URL;
  headers: Record<string, string>;
  options: Record<string, unknown>;
}

function proxyTarget(url: URL, proxy: Proxy | undefined, tunnel: Socket | undefined, tls: PostOptions['tls']): Target {
  const tlsOptions = url.protocol === 'https:' && tls ? { ca: tls.ca, cert: tls.cert, key: tls.key } : {};
  if (!proxy)
    return { request: url.protocol === 'https:' ? httpsRequest : httpRequest, url, headers: {}, options: tlsOptions };
  if (tunnel) {
    const socket = tlsConnect({ socket: tunnel, servername: url.hostname, ...tlsOptions });
    return { request: httpsRequest, url, headers: {}, options: { createConnection: () => socket } };
  }
  // plain http: the whole URL goes to the proxy as the request target
  const viaProxy = new URL(`http://${proxy.host}:${proxy.port}`);
  return {
    request: httpRequest,
    url: viaProxy,
    headers: { host: url.host, ...(proxy.authorization ? { 'proxy-authorization': proxy.authorization } : {}) },
    options: { path: url.href },
  };
}

function openTunnel(proxy: Proxy, url: URL, timeoutMs: number): Promise<Socket> {
  const proxyName = `proxy http://${proxy.host}:${proxy.port}`;
  return new Promise((resolve, reject) => {
    const req = httpRequest({
      host: proxy.host,
      port: proxy.port,
      method: 'CONNECT',
      path: `${url.hostname}:${url.port || 443}`,
      headers: {
        host: `${url.hostname}:${url.port || 443}`,
        ...(proxy.authorization ? { 'proxy-authorization': proxy.authorization } : {}),
      },
    });
    const timer = setTimeout(() => req.destroy(new Error(`did not open a tunnel within ${timeoutMs} ms`)), timeoutMs);
    req.on('connect', (res: IncomingMessage, socket: Socket) => {
      clearTimeout(timer);
      if (res.statusCode === 200) return resolve(socket);
      socket.destroy();
      const status = res.statusCode ?? 0;
      reject(new DeliveryError(`${proxyName} refused the tunnel with ${status}`, { retryable: status >= 500, status }));
    });
    req.on('error', (error: Error & { code?: string }) => {
      clearTimeout(timer);
      reject(new DeliveryError(`${proxyName}: ${error.code ?? error.message}`, { retryable: true, cause: error }));
    });
    req.end();
  });
}

/** A server's answer in a log line or Event: one line, at most 200 characters. */
export function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 197)}...` : flat;
}
