// Every failure of the registry client: a code a caller can branch on and a message naming the URL (never a secret).

export type RegistryErrorCode =
  | 'InvalidReference'
  | 'InvalidCredentials'
  | 'Unauthorized'
  | 'Denied'
  | 'NotFound'
  | 'TooManyRequests'
  | 'UnsupportedMediaType'
  | 'DigestMismatch'
  | 'TooLarge'
  | 'Unreachable'
  | 'Tls'
  | 'Protocol';

export class RegistryError extends Error {
  override readonly name = 'RegistryError';
  readonly code: RegistryErrorCode;
  /** The URL (or reference) the failure is about, without credentials. */
  readonly url: string | undefined;
  readonly status: number | undefined;

  constructor(
    code: RegistryErrorCode,
    message: string,
    details: { url?: string; status?: number; cause?: unknown } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.url = details.url;
    this.status = details.status;
  }
}

export function isRegistryError(error: unknown, code?: RegistryErrorCode): error is RegistryError {
  return error instanceof RegistryError && (code === undefined || error.code === code);
}
