// The one error family of kustomize-ts: every failure of a build, naming the file or field to fix.

/** A build failure. `reason` is the Flux condition reason a controller reports for it. */
export class KustomizeError extends Error {
  readonly reason = 'BuildFailed';
  /** The kustomization or resource file the failure is about, when there is one. */
  readonly path: string | undefined;

  constructor(message: string, path?: string) {
    super(message);
    this.name = 'KustomizeError';
    this.path = path;
  }
}

/** Prefixes an error's message with where it happened, keeping it a KustomizeError. */
export function wrapError(error: unknown, context: string, path?: string): KustomizeError {
  const message = error instanceof Error ? error.message : String(error);
  const inner = error instanceof KustomizeError ? error.path : undefined;
  return new KustomizeError(`${context}: ${message}`, inner ?? path);
}
