// ImageRegistry over the runtime's OCI registry client: tags (paged, Bearer or Basic, 429 Retry-After honoured by the
// client) and manifest digests; RegistryErrors become ImageErrors with Flux's reasons.
import { ImageReason } from '@fluxion/api';
import { isRegistryError, RegistryClient, type RegistryError } from '@fluxion/runtime';
import { ImageError } from './image-error.ts';
import type { ImageReference } from './image-reference.ts';
import type { ImageRegistry, RegistryAccess } from './registry.ts';

export interface OciImageRegistryOptions {
  userAgent?: string;
  /** Tags per page asked of the registry (`?n=`); the registry's own default when unset. */
  pageSize?: number;
  /** How often a 429 is retried within one scan, and the longest Retry-After honoured (client defaults: 3, 30 s). */
  maxRetries?: number;
  maxRetryAfterMs?: number;
}

/** When the registry still says 429 after the client's retries: the next scan waits this long. */
const rateLimitedRetryMs = 30_000;

export class OciImageRegistry implements ImageRegistry {
  readonly #options: OciImageRegistryOptions;
  /** Requests made, for the benchmarks' request counts. */
  requests = 0;

  constructor(options: OciImageRegistryOptions = {}) {
    this.#options = options;
  }

  async listTags(image: ImageReference, access: RegistryAccess, signal: AbortSignal): Promise<string[]> {
    return this.#with(image, access, signal, (client) =>
      client.listTags(image.repository, this.#options.pageSize ? { pageSize: this.#options.pageSize } : {}),
    );
  }

  async manifestDigest(
    image: ImageReference,
    tag: string,
    access: RegistryAccess,
    signal: AbortSignal,
  ): Promise<string> {
    return this.#with(
      image,
      access,
      signal,
      async (client) => (await client.headManifest(image.repository, tag)).digest,
    );
  }

  async #with<T>(
    image: ImageReference,
    access: RegistryAccess,
    signal: AbortSignal,
    action: (client: RegistryClient) => Promise<T>,
  ): Promise<T> {
    this.requests++;
    const client = new RegistryClient({
      // Docker Hub's API answers on registry-1.docker.io, not on the index.docker.io of canonical names.
      registry: image.apiHost,
      insecure: access.insecure,
      signal,
      ...(access.tls ? { tls: access.tls } : {}),
      ...(access.credentials ? { credentials: access.credentials } : {}),
      ...(access.proxy ? { proxy: access.proxy } : {}),
      userAgent: this.#options.userAgent ?? 'image-reflector-controller',
      ...(this.#options.maxRetries !== undefined ? { maxRetries: this.#options.maxRetries } : {}),
      ...(this.#options.maxRetryAfterMs !== undefined ? { maxRetryAfterMs: this.#options.maxRetryAfterMs } : {}),
    });
    try {
      return await action(client);
    } catch (error) {
      if (signal.aborted)
        throw new ImageError(
          ImageReason.Failure,
          `${image.canonicalName}: no answer within spec.timeout (the interval when unset)`,
        );
      if (isRegistryError(error)) throw imageErrorOf(image, error);
      throw error;
    } finally {
      client.close();
    }
  }
}

function imageErrorOf(image: ImageReference, error: RegistryError): ImageError {
  switch (error.code) {
    case 'Unauthorized':
    case 'Denied':
      return new ImageError(
        ImageReason.AuthenticationFailed,
        `${error.message}: check spec.secretRef or spec.serviceAccountName`,
      );
    case 'NotFound':
      return new ImageError(ImageReason.Failure, `${error.message}: repository ${image.canonicalName} not found`);
    case 'TooManyRequests':
      return new ImageError(ImageReason.Failure, `${error.message}: rate limited by the registry`, {
        retryAfterMs: rateLimitedRetryMs,
      });
    case 'Tls':
      return new ImageError(
        ImageReason.Failure,
        `${error.message}: check spec.certSecretRef (ca.crt) or spec.insecure`,
      );
    default:
      return new ImageError(ImageReason.Failure, error.message);
  }
}
