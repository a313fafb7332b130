// Errors raised while applying patches, replacements and vars; reason matches Flux's build failure reason.

export class PatchError extends Error {
  readonly reason = 'BuildFailed';
  override name = 'PatchError';
}
