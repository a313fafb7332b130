// Errors of the artifact store and the archiver, with Flux's `StorageOperationFailed` reason and a hint to act on.

export class StorageError extends Error {
  readonly reason = 'StorageOperationFailed';
  /** The errno code of the file-system failure, when there is one (ENOSPC, EACCES, ...). */
  readonly code: string | undefined;

  constructor(operation: string, path: string, cause: unknown) {
    const code = errnoCode(cause);
    const detail = cause instanceof Error ? cause.message : String(cause);
    super(`${operation} '${path}' failed: ${hintFor(code) ?? detail}`, { cause });
    this.name = 'StorageError';
    this.code = code;
  }
}

export function errnoCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string')
    return error.code;
  return undefined;
}

function hintFor(code: string | undefined): string | undefined {
  switch (code) {
    case 'ENOSPC':
      return 'no space left on the storage volume (free space or enlarge the volume behind --storage-path)';
    case 'EDQUOT':
      return 'disk quota exceeded on the storage volume';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied (the controller must be able to write to --storage-path)';
    case 'EROFS':
      return 'the storage volume is read-only (mount --storage-path read-write)';
    default:
      return undefined;
  }
}
