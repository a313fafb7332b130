// Failures of the image reconcilers, each with Flux's condition reason and a message naming what to fix.

export class ImageError extends Error {
  readonly reason: string;
  /** No retry can fix it until the spec (a new generation) changes: the object is Stalled. */
  readonly stalled: boolean;

  constructor(reason: string, message: string, options: { stalled?: boolean } = {}) {
    super(message);
    this.name = 'ImageError';
    this.reason = reason;
    this.stalled = options.stalled ?? false;
  }
}
