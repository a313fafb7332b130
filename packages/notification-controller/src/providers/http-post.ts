// One HTTP(S) POST with a deadline, the Provider's CA and client certificate; failures sorted into retryable or not.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { DeliveryError } from './notifier.ts';

export interface PostOptions {
  headers?: Record<string, string>;
  /** POST unless said otherwise (Matrix sends with PUT). */
  method?: 'POST' | 'PUT';
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

export async function post(address: string, body: string | Buffer, headers: Record<string, string>, options: PostOptions): Promise<PostResult> {
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
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  // a timer and a listener removed when done: AbortSignal.any/timeout on a long-lived signal keeps every request
  // alive in memory (about 4 KiB per delivery in a burst)
  return new Promise<PostResult>((resolve, reject) => {
    let timedOut = false;
    const finish = (settle: () => void): void => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      settle();
    };
    const req = request(
      url,
      {
        method: options.method ?? 'POST',
        headers: { 'user-agent': 'fluxion-notification-controller', ...headers, 'content-length': String(Buffer.byteLength(body)) },
        ...(url.protocol === 'https:' && options.tls ? { ca: options.tls.ca, cert: options.tls.cert, key: options.tls.key } : {}),
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
          finish(() => reject(new DeliveryError(`${where} answered ${status}${answer ? `: ${oneLine(answer)}` : ''}`, { retryable, status })));
        });
        res.on('error', (error) => finish(() => reject(new DeliveryError(`${where}: ${error.message}`, { retryable: true, cause: error }))));
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
        finish(() => reject(new DeliveryError(`${where} did not answer within ${options.timeoutMs} ms`, { retryable: true, cause: error })));
      } else {
        finish(() => reject(new DeliveryError(`${where}: ${error.code ?? error.message}`, { retryable: !options.signal?.aborted, cause: error })));
      }
    });
    if (options.signal?.aborted) req.destroy();
    req.end(body);
  });
}

/** A server's answer in a log line or Event: one line, at most 200 characters. */
export function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 197)}...` : flat;
}
