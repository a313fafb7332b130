// Failures of the image reconcilers, each with Flux's condition reason and a message naming what to fix.

export interface ImageErrorOptions {
  /** No retry can fix it until the spec (a new generation) changes: the object is Stalled. */
  stalled?: boolean;
  /** The registry asked to wait this long (429 Retry-After): the next attempt comes then, not sooner. */
  retryAfterMs?: number;
}

export class ImageError extends Error {
  readonly reason: string;
  readonly stalled: boolean;
  readonly retryAfterMs: number | undefined;

  constructor(reason: string, message: string, options: ImageErrorOptions = {}) {
    super(message);
    this.name = 'ImageError';
    this.reason = reason;
    this.stalled = options.stalled ?? false;
    this.retryAfterMs = options.retryAfterMs;
  }
}
