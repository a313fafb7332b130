// GETs a URL into memory for the Helm and Bucket sources: basic auth, extra CA / client certificate, a deadline and
// a size limit; failures are SourceErrors naming the URL (never its credentials) and what went wrong.
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { rootCertificates } from 'node:tls';
import { redactUrl } from './fetch-error.ts';
import { SourceError } from './source-error.ts';

export interface HttpTls {
  /** PEM CA bundle trusted in addition to the system roots, as Flux does. */
  caCert?: string;
  clientCert?: string;
  clientKey?: string;
}

export interface DownloadOptions {
  headers?: Record<string, string>;
  basicAuth?: { username: string; password: string };
  tls?: HttpTls;
  timeoutMs: number;
  maxBytes?: number;
  /** Flux reason for a failure (IndexationFailed, ChartPullError, BucketOperationFailed, ...). */
  reason: string;
  /** What is being fetched, for messages: "Helm repository index", "chart 'podinfo' version '6.0.0'". */
  what: string;
  method?: 'GET' | 'HEAD' | 'PUT';
  /** Request body (for PUT). */
  body?: Buffer;
}

export interface DownloadResult {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

const defaultMaxBytes = 256 * 1024 * 1024;
const maxRedirects = 5;

/** GET (or HEAD) `url`; any status other than 2xx is an error unless `acceptStatus` allows it. */
export async function download(
  url: string,
  options: DownloadOptions,
  acceptStatus: (status: number) => boolean = ok,
): Promise<DownloadResult> {
  let current = url;
  for (let redirects = 0; ; redirects++) {
    const result = await requestOnce(current, options);
    const location = result.headers.location;
    if (result.status >= 300 && result.status < 400 && location && redirects < maxRedirects) {
      current = new URL(location, current).toString();
      continue;
    }
    if (!acceptStatus(result.status)) {
      const reason = result.status === 401 || result.status === 403 ? 'AuthenticationFailed' : options.reason;
      const hint = result.status === 401 || result.status === 403 ? ' (check the credentials in spec.secretRef)' : '';
      throw new SourceError(
        reason,
        `failed to fetch ${options.what} from '${redactUrl(current)}': HTTP ${result.status}${hint}`,
      );
    }
    return result;
  }
}

function ok(status: number): boolean {
  return status >= 200 && status < 300;
}

function requestOnce(url: string, options: DownloadOptions): Promise<DownloadResult> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return Promise.reject(
      new SourceError('URLInvalid', `invalid URL '${redactUrl(url)}' for ${options.what}`, { stalled: true }),
    );
  }
  const isHttps = parsed.protocol === 'https:';
  if (!isHttps && parsed.protocol !== 'http:') {
    return Promise.reject(
      new SourceError(
        'URLInvalid',
        `unsupported scheme '${parsed.protocol}' in '${redactUrl(url)}' for ${options.what}`,
        { stalled: true },
      ),
    );
  }
  const headers: Record<string, string> = { 'User-Agent': 'fluxion-source-controller', ...options.headers };
  if (options.basicAuth) {
    headers.Authorization = `Basic ${Buffer.from(`${options.basicAuth.username}:${options.basicAuth.password}`).toString('base64')}`;
  }
  const tls = options.tls;
  const maxBytes = options.maxBytes ?? defaultMaxBytes;
  const shown = redactUrl(url);
  return new Promise((resolve, reject) => {
    const fail = (detail: string) =>
      reject(new SourceError(options.reason, `failed to fetch ${options.what} from '${shown}': ${detail}`));
    const request = (isHttps ? httpsRequest : httpRequest)(
      parsed,
      {
        method: options.method ?? 'GET',
        headers,
        timeout: options.timeoutMs,
        ...(isHttps && tls?.caCert ? { ca: [...rootCertificates, tls.caCert] } : {}),
        ...(isHttps && tls?.clientCert ? { cert: tls.clientCert } : {}),
        ...(isHttps && tls?.clientKey ? { key: tls.clientKey } : {}),
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) {
            request.destroy();
            fail(`larger than the limit of ${maxBytes} bytes`);
            return;
          }
          chunks.push(chunk);
        });
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }),
        );
        response.on('error', (error) => fail(error.message));
      },
    );
    const deadline = setTimeout(() => {
      request.destroy();
      fail(`timed out after ${options.timeoutMs / 1000}s`);
    }, options.timeoutMs);
    request.on('close', () => clearTimeout(deadline));
    request.on('timeout', () => {
      request.destroy();
      fail(`timed out after ${options.timeoutMs / 1000}s`);
    });
    request.on('error', (error: NodeJS.ErrnoException) => fail(describeNetworkError(error)));
    request.end(options.body);
  });
}

function describeNetworkError(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host not found';
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
      return `TLS: the server certificate is not trusted (${error.code}); put its CA in ca.crt of spec.certSecretRef`;
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return 'TLS: the server certificate does not name this host';
    default:
      return error.message;
  }
}
