// A small S3 client for Bucket `provider: generic`: path-style requests signed with SigV4 (anonymous without
// credentials), ListObjectsV2 with paging, GetObject and HeadBucket; S3 error codes become messages naming the
// bucket, the endpoint and the object.
import { emptyPayloadHash, encodeRfc3986, type S3Credentials, signS3Request } from './s3-signature.ts';
import { createHash } from 'node:crypto';
import { download, type DownloadResult, type HttpTls } from './http-download.ts';
import { SourceError } from './source-error.ts';

export interface S3ClientOptions {
  /** `http(s)://host[:port]`. */
  endpoint: string;
  region: string;
  credentials?: S3Credentials;
  tls?: HttpTls;
  timeoutMs: number;
}

export interface S3Object {
  key: string;
  etag: string;
  size: number;
}

const reason = 'BucketOperationFailed';

export class S3Client {
  readonly #options: S3ClientOptions;

  constructor(options: S3ClientOptions) {
    this.#options = { ...options, endpoint: options.endpoint.replace(/\/+$/, '') };
  }

  get endpoint(): string {
    return this.#options.endpoint;
  }

  /** The ETag of one object, or undefined when there is none (a HEAD: nothing is downloaded). */
  async headObject(bucket: string, key: string): Promise<string | undefined> {
    const what = `object '${key}' of bucket '${bucket}'`;
    const response = await this.#request('HEAD', bucket, key, new URLSearchParams(), what);
    if (response.status === 404) return undefined;
    this.#check(response, what, bucket);
    return String(response.headers.etag ?? '').replace(/^"|"$/g, '');
  }

  /** Every object under `prefix`, following continuation tokens. */
  async listObjects(bucket: string, prefix: string | undefined): Promise<S3Object[]> {
    const objects: S3Object[] = [];
    let token: string | undefined;
    do {
      const query = new URLSearchParams({
        'list-type': '2',
        ...(prefix ? { prefix } : {}),
        ...(token ? { 'continuation-token': token } : {}),
      });
      const response = await this.#request('GET', bucket, '', query, `objects of bucket '${bucket}'`);
      this.#check(response, `objects of bucket '${bucket}'`, bucket);
      const xml = response.body.toString('utf8');
      for (const contents of xml.match(/<Contents>[\s\S]*?<\/Contents>/g) ?? []) {
        const key = xmlText(contents, 'Key');
        if (key === undefined) continue;
        objects.push({
          key,
          etag: (xmlText(contents, 'ETag') ?? '').replace(/^"|"$/g, ''),
          size: Number(xmlText(contents, 'Size') ?? 0),
        });
      }
      token = xmlText(xml, 'IsTruncated') === 'true' ? xmlText(xml, 'NextContinuationToken') : undefined;
    } while (token);
    return objects;
  }

  async getObject(bucket: string, key: string): Promise<Buffer> {
    const what = `object '${key}' of bucket '${bucket}'`;
    const response = await this.#request('GET', bucket, key, new URLSearchParams(), what);
    this.#check(response, what, bucket);
    return response.body;
  }

  /** Uploads an object (tests and tools; the controller only reads). */
  async putObject(bucket: string, key: string, body: Buffer): Promise<void> {
    const what = `object '${key}' of bucket '${bucket}'`;
    const response = await this.#request('PUT', bucket, key, new URLSearchParams(), what, body);
    this.#check(response, what, bucket);
  }

  async #request(
    method: 'GET' | 'HEAD' | 'PUT',
    bucket: string,
    key: string,
    query: URLSearchParams,
    what: string,
    body?: Buffer,
  ): Promise<DownloadResult> {
    const path = `/${encodeRfc3986(bucket)}${key ? `/${key.split('/').map(encodeRfc3986).join('/')}` : ''}`;
    const url = new URL(`${this.endpoint}${path}${query.size > 0 ? `?${query.toString()}` : ''}`);
    const payloadHash = body ? createHash('sha256').update(body).digest('hex') : emptyPayloadHash;
    const headers = this.#options.credentials
      ? signS3Request({
          method,
          url,
          region: this.#options.region,
          credentials: this.#options.credentials,
          payloadHash,
        })
      : {};
    delete headers.host;
    return download(
      url.toString(),
      {
        method,
        headers: body ? { ...headers, 'content-length': String(body.length) } : headers,
        ...(body ? { body } : {}),
        timeoutMs: this.#options.timeoutMs,
        reason,
        what: `${what} at endpoint '${this.endpoint}'`,
        ...(this.#options.tls ? { tls: this.#options.tls } : {}),
      },
      () => true,
    );
  }

  #check(response: DownloadResult, what: string, bucket: string): void {
    if (response.status >= 200 && response.status < 300) return;
    const xml = response.body.toString('utf8');
    const code = xmlText(xml, 'Code') ?? `HTTP ${response.status}`;
    if (code === 'NoSuchBucket')
      throw new SourceError(reason, `bucket '${bucket}' not found at endpoint '${this.endpoint}'`);
    const detail = xmlText(xml, 'Message');
    const credentialsHint =
      ['InvalidAccessKeyId', 'SignatureDoesNotMatch', 'AccessDenied'].includes(code) || response.status === 403
        ? ' (check accesskey and secretkey in spec.secretRef)'
        : '';
    throw new SourceError(
      reason,
      `failed to read ${what} at endpoint '${this.endpoint}': ${code}${detail ? `: ${detail}` : ''}${credentialsHint}`,
    );
  }
}

function xmlText(xml: string, tag: string): string | undefined {
  const match = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(xml);
  return match ? decodeXml(match[1]!) : undefined;
}

function decodeXml(text: string): string {
  return text
    .replace(/&#x([0-9a-fA-F]+);/g, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_, decimal: string) => String.fromCodePoint(Number(decimal)))
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}
