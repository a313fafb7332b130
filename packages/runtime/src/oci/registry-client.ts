// An OCI distribution client for one registry: manifests, tags, blobs (pull streamed and verified; push).
import type { Readable } from 'node:stream';
import { DigestVerifier, algorithmOf, digestOf } from './digest-verifier.ts';
import { parseManifest, type Descriptor, type Manifest } from './manifest.ts';
import { manifestMediaTypes } from './media-types.ts';
import { RegistryError, isRegistryError } from './registry-error.ts';
import { RegistryTransport, drain, readLimited, type RegistryClientOptions } from './registry-transport.ts';

export type { RegistryClientOptions, RegistryTlsOptions } from './registry-transport.ts';

export interface FetchedManifest {
  descriptor: Descriptor;
  manifest: Manifest;
  bytes: Buffer;
}

const defaultManifestLimit = 4 * 1024 * 1024;
const acceptManifests = manifestMediaTypes.join(', ');

export class RegistryClient {
  private readonly transport: RegistryTransport;

  constructor(options: RegistryClientOptions) {
    this.transport = new RegistryTransport(options);
  }

  get registry(): string {
    return this.transport.registry;
  }

  /** `https://host/v2/<repository>/…`, for messages: the URL a person can look at. */
  urlOf(repository: string, kind: 'manifests' | 'blobs' | 'tags', reference = ''): string {
    return `${this.transport.baseUrl}/v2/${repository}/${kind}/${kind === 'tags' ? 'list' : reference}`;
  }

  close(): void {
    this.transport.close();
  }

  /** The manifest's digest, media type and size from a HEAD: nothing is downloaded. */
  async headManifest(repository: string, reference: string): Promise<Descriptor> {
    const url = this.urlOf(repository, 'manifests', reference);
    const response = await this.transport.send({
      method: 'HEAD',
      path: `/v2/${repository}/manifests/${reference}`,
      scope: pullScope(repository),
      headers: { Accept: acceptManifests },
    });
    await drain(response);
    const digest = headerOf(response.headers['docker-content-digest']);
    const mediaType = (headerOf(response.headers['content-type']) ?? '').split(';')[0]!.trim();
    // Some registries omit the digest on HEAD; the caller still needs one, so fall back to the GET.
    if (!digest) return (await this.getManifest(repository, reference)).descriptor;
    if (!manifestMediaTypes.includes(mediaType)) {
      throw new RegistryError(
        'UnsupportedMediaType',
        `${url}: unexpected manifest media type '${mediaType || 'none'}'`,
        { url },
      );
    }
    if (reference.includes(':') && digest !== reference) {
      throw new RegistryError('DigestMismatch', `${url}: the registry answered digest ${digest}`, { url });
    }
    return { mediaType, digest, size: Number(headerOf(response.headers['content-length']) ?? 0) };
  }

  /** The manifest (image or index), its digest checked against the reference or the registry's header. */
  async getManifest(
    repository: string,
    reference: string,
    options: { maxSize?: number } = {},
  ): Promise<FetchedManifest> {
    const url = this.urlOf(repository, 'manifests', reference);
    const response = await this.transport.send({
      method: 'GET',
      path: `/v2/${repository}/manifests/${reference}`,
      scope: pullScope(repository),
      headers: { Accept: acceptManifests },
    });
    const limit = options.maxSize ?? defaultManifestLimit;
    const bytes = await readLimited(response, limit + 1);
    if (bytes.length > limit)
      throw new RegistryError('TooLarge', `${url}: the manifest is larger than ${limit} bytes`, { url });
    const mediaType = (headerOf(response.headers['content-type']) ?? '').split(';')[0]!.trim();
    const headerDigest = headerOf(response.headers['docker-content-digest']);
    const expected = reference.includes(':') ? reference : headerDigest;
    const digest = digestOf(bytes, expected ? algorithmOf(expected, url) : 'sha256');
    if (expected && digest !== expected) {
      throw new RegistryError('DigestMismatch', `${url}: manifest digest ${digest} does not match ${expected}`, {
        url,
      });
    }
    const manifest = parseManifest(
      bytes,
      manifestMediaTypes.includes(mediaType) ? mediaType : mediaType === 'application/json' ? '' : mediaType,
      url,
    );
    return {
      descriptor: { mediaType: mediaType || manifest.mediaType || '', digest, size: bytes.length },
      manifest,
      bytes,
    };
  }

  /** Every tag, following the registry's `Link: <…>; rel="next"` pages. */
  async listTags(repository: string, options: { pageSize?: number } = {}): Promise<string[]> {
    const tags: string[] = [];
    let path: string | undefined = `/v2/${repository}/tags/list${options.pageSize ? `?n=${options.pageSize}` : ''}`;
    for (let page = 0; path && page < 10_000; page++) {
      const response = await this.transport.send({
        method: 'GET',
        path,
        scope: pullScope(repository),
        headers: { Accept: 'application/json' },
      });
      const body = await readLimited(response, 16 * 1024 * 1024);
      let parsed: { tags?: unknown };
      try {
        parsed = JSON.parse(body.toString('utf8')) as { tags?: unknown };
      } catch {
        throw new RegistryError('Protocol', `${this.urlOf(repository, 'tags')}: the tag list is not JSON`, {
          url: this.urlOf(repository, 'tags'),
        });
      }
      if (Array.isArray(parsed.tags)) for (const tag of parsed.tags) if (typeof tag === 'string') tags.push(tag);
      path = nextLink(headerOf(response.headers['link']));
    }
    return tags;
  }

  /**
   * The blob as a stream; it errors (RegistryError TooLarge / DigestMismatch) instead of ending when the content is
   * past `maxSize` or not the digest asked for, so a consumer must finish reading before trusting what it wrote.
   */
  async openBlob(repository: string, digest: string, options: { maxSize?: number } = {}): Promise<Readable> {
    const url = this.urlOf(repository, 'blobs', digest);
    algorithmOf(digest, url);
    const maxSize = options.maxSize ?? Number.MAX_SAFE_INTEGER;
    const response = await this.transport.send({
      method: 'GET',
      path: `/v2/${repository}/blobs/${digest}`,
      scope: pullScope(repository),
    });
    const declared = Number(headerOf(response.headers['content-length']) ?? -1);
    if (declared > maxSize) {
      response.destroy();
      throw new RegistryError('TooLarge', `${url}: the blob is ${declared} bytes, over the limit of ${maxSize}`, {
        url,
      });
    }
    const verifier = new DigestVerifier(digest, maxSize, url);
    response.on('error', (error) => verifier.destroy(this.transport.failure('GET', new URL(url), error)));
    verifier.on('error', () => response.destroy());
    return response.pipe(verifier);
  }

  /** The whole blob in memory (configs, small layers), verified. */
  async readBlob(repository: string, digest: string, options: { maxSize?: number } = {}): Promise<Buffer> {
    const stream = await this.openBlob(repository, digest, options);
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  async blobExists(repository: string, digest: string): Promise<boolean> {
    try {
      const response = await this.transport.send({
        method: 'HEAD',
        path: `/v2/${repository}/blobs/${digest}`,
        scope: pullScope(repository),
      });
      await drain(response);
      return true;
    } catch (error) {
      if (isRegistryError(error, 'NotFound')) return false;
      throw error;
    }
  }

  /** Uploads a blob (monolithic POST then PUT) unless the registry has it already. */
  async pushBlob(repository: string, content: Buffer, mediaType: string): Promise<Descriptor> {
    const digest = digestOf(content);
    const descriptor = { mediaType, digest, size: content.length };
    if (await this.blobExists(repository, digest)) return descriptor;
    const scope = pushScope(repository);
    const started = await this.transport.send({ method: 'POST', path: `/v2/${repository}/blobs/uploads/`, scope });
    await drain(started);
    const location = headerOf(started.headers['location']);
    if (!location)
      throw new RegistryError('Protocol', `${this.urlOf(repository, 'blobs', 'uploads/')}: no upload Location`, {
        url: this.urlOf(repository, 'blobs', 'uploads/'),
      });
    const uploadUrl = new URL(location, this.transport.baseUrl);
    uploadUrl.searchParams.set('digest', digest);
    const done = await this.transport.send({
      method: 'PUT',
      path: uploadUrl.toString(),
      scope,
      body: content,
      headers: { 'Content-Type': 'application/octet-stream' },
    });
    await drain(done);
    return descriptor;
  }

  /** Puts a manifest under a tag (or its digest); returns its descriptor. */
  async pushManifest(
    repository: string,
    reference: string,
    manifest: Manifest | Buffer,
    mediaType: string,
  ): Promise<Descriptor> {
    const bytes = Buffer.isBuffer(manifest) ? manifest : Buffer.from(JSON.stringify(manifest));
    const response = await this.transport.send({
      method: 'PUT',
      path: `/v2/${repository}/manifests/${reference}`,
      scope: pushScope(repository),
      body: bytes,
      headers: { 'Content-Type': mediaType },
    });
    await drain(response);
    return { mediaType, digest: digestOf(bytes), size: bytes.length };
  }
}

function pullScope(repository: string): string {
  return `repository:${repository}:pull`;
}

function pushScope(repository: string): string {
  return `repository:${repository}:pull,push`;
}

function headerOf(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** The `rel="next"` target of a Link header, e.g. `</v2/app/tags/list?n=100&last=v9>; rel="next"`. */
export function nextLink(link: string | undefined): string | undefined {
  if (!link) return undefined;
  for (const part of link.split(',')) {
    const match = /<([^>]+)>\s*;\s*rel="?next"?/i.exec(part);
    if (match) return match[1];
  }
  return undefined;
}
