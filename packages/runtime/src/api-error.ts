// Errors from the Kubernetes API server, carrying its Status code, reason and message.
import type { V1Status } from '@kubernetes/client-node';

export class KubeApiError extends Error {
  override readonly name = 'KubeApiError';
  readonly statusCode: number;
  /** The API server's machine-readable reason: NotFound, Conflict, Invalid, Expired, Gone... */
  readonly reason: string;
  readonly status: V1Status | undefined;
  readonly method: string;
  readonly path: string;

  constructor(options: {
    statusCode: number;
    reason: string;
    message: string;
    method: string;
    path: string;
    status?: V1Status;
  }) {
    super(`${options.method} ${options.path}: ${options.statusCode} ${options.reason}: ${options.message}`);
    this.statusCode = options.statusCode;
    this.reason = options.reason;
    this.status = options.status;
    this.method = options.method;
    this.path = options.path;
  }

  /** The API server's own message, without the request line in front. */
  get serverMessage(): string {
    return this.status?.message ?? this.message;
  }

  static fromResponse(method: string, path: string, statusCode: number, body: string): KubeApiError {
    const status = parseStatus(body);
    return new KubeApiError({
      statusCode: status?.code ?? statusCode,
      reason: status?.reason ?? reasonForCode(statusCode),
      message: status?.message ?? (body.trim().slice(0, 500) || `HTTP ${statusCode}`),
      method,
      path,
      ...(status ? { status } : {}),
    });
  }

  static fromStatus(method: string, path: string, status: V1Status): KubeApiError {
    const statusCode = status.code ?? 500;
    return new KubeApiError({
      statusCode,
      reason: status.reason ?? reasonForCode(statusCode),
      message: status.message ?? `HTTP ${statusCode}`,
      method,
      path,
      status,
    });
  }
}

function parseStatus(body: string): V1Status | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed && typeof parsed === 'object' && (parsed as { kind?: unknown }).kind === 'Status')
      return parsed as V1Status;
  } catch {
    // not JSON: a proxy or a crashed server answered
  }
  return undefined;
}

function reasonForCode(code: number): string {
  const reasons: Record<number, string> = {
    400: 'BadRequest',
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'NotFound',
    405: 'MethodNotAllowed',
    409: 'Conflict',
    410: 'Gone',
    415: 'UnsupportedMediaType',
    422: 'Invalid',
    429: 'TooManyRequests',
    500: 'InternalError',
    503: 'ServiceUnavailable',
    504: 'Timeout',
  };
  return reasons[code] ?? 'Unknown';
}

export function isApiError(error: unknown): error is KubeApiError {
  return error instanceof KubeApiError;
}
export function isNotFound(error: unknown): boolean {
  return isApiError(error) && error.statusCode === 404;
}
export function isConflict(error: unknown): boolean {
  return isApiError(error) && error.statusCode === 409;
}
export function isAlreadyExists(error: unknown): boolean {
  return isApiError(error) && error.statusCode === 409 && error.reason === 'AlreadyExists';
}
export function isInvalid(error: unknown): boolean {
  return isApiError(error) && error.statusCode === 422;
}
/** 410 Gone / Expired: the resourceVersion asked for has been compacted away. */
export function isGone(error: unknown): boolean {
  return isApiError(error) && (error.statusCode === 410 || error.reason === 'Expired' || error.reason === 'Gone');
}
/** Errors worth retrying: the server is restarting, overloaded or unreachable. */
export function isTransient(error: unknown): boolean {
  if (isApiError(error)) return error.statusCode === 429 || error.statusCode >= 500;
  return error instanceof Error;
}
