// Keeps Secret data, tokens, passwords and URL credentials out of log lines, however deep they sit.

export const redactedValue = '[REDACTED]';

/** Keys whose value is a credential wherever it appears (compared without case, `-` or `_`). */
const sensitiveKeys = new Set(
  [
    'password',
    'passwd',
    'token',
    'bearerToken',
    'accessToken',
    'refreshToken',
    'idToken',
    'apiKey',
    'authorization',
    'proxyAuthorization',
    'cookie',
    'privateKey',
    'sshPrivateKey',
    'identity',
    'clientSecret',
    'secretKey',
    'secretAccessKey',
    'sessionToken',
    'caKey',
    'tlsKey',
    'keyFile',
    'certKey',
    'webhookSecret',
  ].map(normalizeKey),
);

/** Secret payload fields: redacted when the object holding them is a Secret. */
const secretPayloadKeys = new Set(['data', 'stringData']);

const maxDepth = 10;

function normalizeKey(key: string): string {
  return key.replace(/[-_.]/g, '').toLowerCase();
}

export function isSensitiveKey(key: string): boolean {
  return sensitiveKeys.has(normalizeKey(key));
}

/** `https://user:pass@host/x` → `https://***@host/x`; userinfo in a URL is a credential. */
export function redactUrlCredentials(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/\s@]+@/gi, '$1***@');
}

/**
 * A copy of `value` fit for a log line. Plain objects and arrays are copied, never mutated;
 * Errors and other class instances pass through for pino's serializers.
 */
export function redactForLog(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return redactUrlCredentials(value);
  if (typeof value !== 'object' || value === null) return value;
  if (seen.has(value) || depth > maxDepth) return value;
  if (Array.isArray(value)) {
    seen.add(value);
    return value.map((item) => redactForLog(item, depth + 1, seen));
  }
  if (!isPlainObject(value)) return value;
  seen.add(value);
  const isSecret = value.kind === 'Secret';
  const copy: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    if (isSensitiveKey(key) || (isSecret && secretPayloadKeys.has(key))) {
      copy[key] = field === undefined || field === null || field === '' ? field : redactedValue;
    } else {
      copy[key] = redactForLog(field, depth + 1, seen);
    }
  }
  return copy;
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

const jsonKeyPattern = /"((?:[^"\\]|\\.)*)":/g;
const urlCredentialsPattern = /[a-z][a-z0-9+.-]*:\/\/[^/\s"@]+@/i;

/**
 * A serialized JSON log line with credentials redacted. Lines that name no sensitive key, hold no
 * Secret and no URL credentials are returned as they are, without being parsed.
 */
export function redactLogLine(line: string): string {
  if (!looksSensitive(line)) return line;
  try {
    return `${JSON.stringify(redactForLog(JSON.parse(line)))}\n`;
  } catch {
    return redactUrlCredentials(line);
  }
}

function looksSensitive(line: string): boolean {
  if (urlCredentialsPattern.test(line) || line.includes('"kind":"Secret"')) return true;
  for (const match of line.matchAll(jsonKeyPattern)) {
    if (isSensitiveKey(match[1] ?? '')) return true;
  }
  return false;
}
