// HTTP to the API server over node:https, with the kubeconfig's TLS and credentials and a keep-alive agent.
import http from 'node:http';
import https from 'node:https';
import { createInterface } from 'node:readline';
import { KubeApiError } from './api-error.ts';
import { toRestConfig, type KubeConfigSource } from './client-node-kube-config.ts';
import type { TokenBucketRateLimiter } from './rate-limiter.ts';
import type { RequestSettings, RestConfig, TlsSettings } from './rest-config.ts';

export type QueryValue = string | number | boolean | undefined;
export type Query = Record<string, QueryValue>;

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Query;
  body?: unknown;
  contentType?: string;
  signal?: AbortSignal;
  /** Idle socket timeout; 0 for none (watches). */
  timeoutMs?: number;
  /** How long to wait for response headers, independent of the idle timeout (a half-dead server). */
  headerTimeoutMs?: number;
}

export interface TransportOptions {
  rateLimiter?: TokenBucketRateLimiter;
  /** Extra headers on every request, e.g. Impersonate-User. */
  headers?: Record<string, string>;
  userAgent?: string;
  requestTimeoutMs?: number;
}

/** An open streaming response (a watch): lines as they arrive, and a way to close it. */
export interface LineStream {
  lines: AsyncIterable<string>;
  close(): void;
}

export class HttpTransport {
  readonly server: URL;
  readonly restConfig: RestConfig;
  private readonly options: TransportOptions;
  private agent: http.Agent | undefined;
  /** The TLS material `agent` was made with; a rotated client certificate (exec plugin) needs a new agent. */
  private agentTls: TlsSettings | undefined;

  constructor(kubeConfig: KubeConfigSource, options: TransportOptions = {}) {
    this.restConfig = toRestConfig(kubeConfig);
    this.server = new URL(this.restConfig.server);
    this.options = options;
  }

  /** The `--kube-api-qps` / `--kube-api-burst` bucket every request waits on, if any. */
  get rateLimiter(): TokenBucketRateLimiter | undefined {
    return this.options.rateLimiter;
  }

  /** The same server and credentials, with more headers (impersonation). Shares the rate limiter. */
  withHeaders(headers: Record<string, string>): HttpTransport {
    return new HttpTransport(this.restConfig, { ...this.options, headers: { ...this.options.headers, ...headers } });
  }

  async requestJson<T>(request: HttpRequest): Promise<T> {
    const text = await this.requestText(request);
    return (text ? JSON.parse(text) : {}) as T;
  }

  async requestText(request: HttpRequest): Promise<string> {
    await this.options.rateLimiter?.acquire();
    const response = await this.send(request);
    const chunks: Buffer[] = [];
    for await (const chunk of response) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const statusCode = response.statusCode ?? 0;
    if (statusCode < 200 || statusCode >= 300)
      throw KubeApiError.fromResponse(request.method, request.path, statusCode, text);
    return text;
  }

  /** Opens a long GET (a watch). A non-2xx answer is thrown as KubeApiError before any line is read. */
  async openLineStream(
    request: Omit<HttpRequest, 'method' | 'body' | 'contentType' | 'timeoutMs'>,
  ): Promise<LineStream> {
    await this.options.rateLimiter?.acquire();
    const controller = new AbortController();
    const onOuterAbort = (): void => controller.abort();
    request.signal?.addEventListener('abort', onOuterAbort, { once: true });
    const response = await this.send({
      ...request,
      method: 'GET',
      signal: controller.signal,
      timeoutMs: 0,
      headerTimeoutMs: 30_000,
    });
    const statusCode = response.statusCode ?? 0;
    if (statusCode < 200 || statusCode >= 300) {
      const chunks: Buffer[] = [];
      for await (const chunk of response) chunks.push(chunk as Buffer);
      request.signal?.removeEventListener('abort', onOuterAbort);
      throw KubeApiError.fromResponse('GET', request.path, statusCode, Buffer.concat(chunks).toString('utf8'));
    }
    const reader = createInterface({ input: response, crlfDelay: Infinity });
    response.on('error', () => reader.close());
    // made now, so a close() before the caller starts reading still ends its loop (a late iterator would wait forever)
    const lineIterator = reader[Symbol.asyncIterator]();
    return {
      lines: { [Symbol.asyncIterator]: () => lineIterator },
      close: () => {
        request.signal?.removeEventListener('abort', onOuterAbort);
        controller.abort();
        response.destroy();
        reader.close();
      },
    };
  }

  private async send(request: HttpRequest): Promise<http.IncomingMessage> {
    const settings = await this.restConfig.requestSettings();
    const url = new URL(this.server.pathname.replace(/\/$/, '') + request.path, this.server);
    for (const [key, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const body =
      request.body === undefined
        ? undefined
        : Buffer.from(typeof request.body === 'string' ? request.body : JSON.stringify(request.body));
    const headers: Record<string, string> = {
      ...settings.headers,
      ...this.options.headers,
      Accept: 'application/json',
      'User-Agent': this.options.userAgent ?? 'fluxion-runtime',
    };
    if (body) {
      headers['Content-Type'] = request.contentType ?? 'application/json';
      headers['Content-Length'] = String(body.length);
    }
    const agent = this.agentFor(settings);
    const timeoutMs = request.timeoutMs ?? this.options.requestTimeoutMs ?? 60_000;
    const isHttps = url.protocol === 'https:';
    return await new Promise<http.IncomingMessage>((resolve, reject) => {
      let headerTimer: NodeJS.Timeout | undefined;
      const req = (isHttps ? https : http).request(
        url,
        { method: request.method, headers, agent, ...(request.signal ? { signal: request.signal } : {}) },
        (response) => {
          clearTimeout(headerTimer);
          resolve(response);
        },
      );
      req.on('error', (error) => {
        clearTimeout(headerTimer);
        reject(error);
      });
      if (request.headerTimeoutMs) {
        headerTimer = setTimeout(
          () =>
            req.destroy(
              new Error(
                `${request.method} ${request.path}: ${this.server.host} sent no response headers within ${request.headerTimeoutMs} ms`,
              ),
            ),
          request.headerTimeoutMs,
        );
      }
      if (timeoutMs > 0) {
        req.setTimeout(timeoutMs, () =>
          req.destroy(
            new Error(`${request.method} ${request.path}: no answer from ${this.server.host} within ${timeoutMs} ms`),
          ),
        );
      }
      req.end(body);
    });
  }

  /** A keep-alive agent, which matters at hundreds of requests per apply; remade only when the TLS material changes. */
  private agentFor(settings: RequestSettings): http.Agent {
    // a client-node KubeConfig with a proxy brings its own agent
    if (settings.agent) return settings.agent;
    if (this.agent && this.agentTls === settings.tls) return this.agent;
    const { tls } = settings;
    // The agent it replaces is left to finish its requests (watches included) rather than cut them off.
    this.agentTls = tls;
    this.agent =
      this.server.protocol === 'https:'
        ? new https.Agent({
            keepAlive: true,
            maxSockets: 64,
            rejectUnauthorized: tls.rejectUnauthorized,
            ...(tls.ca !== undefined ? { ca: tls.ca } : {}),
            ...(tls.cert !== undefined ? { cert: tls.cert } : {}),
            ...(tls.key !== undefined ? { key: tls.key } : {}),
            ...(tls.servername !== undefined ? { servername: tls.servername } : {}),
          })
        : new http.Agent({ keepAlive: true, maxSockets: 64 });
    return this.agent;
  }
}
