// A pass-through stream that refuses content past a size limit or whose digest is not the one asked for.
import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { RegistryError } from './registry-error.ts';

export function digestOf(content: Buffer | string, algorithm = 'sha256'): string {
  return `${algorithm}:${createHash(algorithm).update(content).digest('hex')}`;
}

export function algorithmOf(digest: string, url: string): string {
  const algorithm = digest.split(':')[0] ?? '';
  if (algorithm !== 'sha256' && algorithm !== 'sha512')
    throw new RegistryError('Protocol', `${url}: unsupported digest algorithm in '${digest}'`, { url });
  return algorithm;
}

export class DigestVerifier extends Transform {
  private readonly hash: Hash;
  private readonly expected: string;
  private readonly maxSize: number;
  private readonly url: string;
  private size = 0;

  constructor(expected: string, maxSize: number, url: string) {
    super();
    this.expected = expected;
    this.maxSize = maxSize;
    this.url = url;
    this.hash = createHash(algorithmOf(expected, url));
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.size += chunk.length;
    if (this.size > this.maxSize) {
      callback(
        new RegistryError('TooLarge', `${this.url}: the blob is larger than the limit of ${this.maxSize} bytes`, {
          url: this.url,
        }),
      );
      return;
    }
    this.hash.update(chunk);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    const actual = `${this.expected.split(':')[0]}:${this.hash.digest('hex')}`;
    if (actual !== this.expected) {
      callback(
        new RegistryError('DigestMismatch', `${this.url}: content digest ${actual} does not match ${this.expected}`, {
          url: this.url,
        }),
      );
      return;
    }
    callback();
  }
}
