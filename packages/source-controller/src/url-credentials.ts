// Credentials written into spec.url (`https://user:token@host/repo.git`, `ssh://git:passphrase@host/repo.git`).
// Flux uses them where the Secret has none; here they travel as Secret credentials do (environment, never argv),
// because any process on the node can read a command line in /proc.
import type { GitCredentials } from '@fluxion/runtime';

/** spec.url split into what git may see and the credentials it held. */
export interface UrlWithoutCredentials {
  /** The URL for git's command line: no password, and for http(s) no username either. */
  url: string;
  username?: string;
  password?: string;
}

export class UrlCredentialsError extends Error {
  readonly reason = 'AuthenticationFailed';
  constructor(message: string) {
    super(message);
    this.name = 'UrlCredentialsError';
  }
}

/** Takes `user:password@` out of an http(s) URL, and the password out of an ssh URL (its user is the SSH login). */
export function splitUrlCredentials(url: string): UrlWithoutCredentials {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { url };
  }
  if (parsed.username === '' && parsed.password === '') return { url };
  const username = decode(parsed.username);
  const password = decode(parsed.password);
  if (parsed.protocol === 'ssh:') {
    if (password === '') return { url };
    parsed.password = '';
    return { url: parsed.toString(), password };
  }
  parsed.username = '';
  parsed.password = '';
  return { url: parsed.toString(), ...(username ? { username } : {}), ...(password ? { password } : {}) };
}

/**
 * The credentials to fetch with, as Flux combines them: the Secret's username and password first, each one missing
 * taken from the URL; a bearer token ignores the URL; for SSH, a password in the URL is the key's passphrase.
 */
export function credentialsWithUrl(
  secret: GitCredentials | undefined,
  fromUrl: UrlWithoutCredentials,
): GitCredentials | undefined {
  const { username, password } = fromUrl;
  if (username === undefined && password === undefined) return secret;
  if (fromUrl.url.startsWith('ssh:')) {
    // without an identity from the Secret the passphrase has nothing to unlock
    return secret?.kind === 'ssh' && !secret.password && password !== undefined ? { ...secret, password } : secret;
  }
  if (secret?.kind === 'bearer' || secret?.kind === 'ssh') return secret;
  const merged = { username: secret?.username || username || '', password: secret?.password || password || '' };
  if (merged.username === '') {
    throw new UrlCredentialsError(
      `spec.url '${fromUrl.url}' has a password but no username: put both in the Secret named by spec.secretRef`,
    );
  }
  return { kind: 'basic', ...merged };
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
