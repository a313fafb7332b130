// A failure of one reconcile step of a Helm or Bucket source: Flux's reason, a message naming what to fix, and
// whether only a spec change can fix it (stalled) rather than a retry.

export class SourceError extends Error {
  readonly reason: string;
  readonly stalled: boolean;

  constructor(reason: string, message: string, options: { stalled?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SourceError';
    this.reason = reason;
    this.stalled = options.stalled ?? false;
  }
}

/** The message of anything thrown, for wrapping into a SourceError. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
