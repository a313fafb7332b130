// Hands credentials to git without a command line: HTTP auth as an `http.<origin>.extraHeader` set through
// GIT_CONFIG_COUNT/KEY/VALUE env, SSH through GIT_SSH_COMMAND with a 0600 key file and a strict known_hosts.
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { redactUrl } from './redact.ts';

/** Credentials from the Secret in `spec.secretRef` (identity, bearerToken or username/password), decoded. */
export type GitCredentials =
  | { kind: 'basic'; username: string; password: string }
  | { kind: 'bearer'; bearerToken: string }
  | { kind: 'ssh'; identity: string; knownHosts: string; password?: string };

/** `ca.crt`, `tls.crt` and `tls.key` of the Secret: a private CA and a client certificate for HTTPS. */
export interface GitTlsMaterial {
  caCert?: string;
  clientCert?: string;
  clientKey?: string;
}

/** `spec.proxySecretRef`: an HTTP(S) proxy and its optional credentials. */
export interface GitProxy {
  address: string;
  username?: string;
  password?: string;
}

export interface GitTransportExtras {
  tls?: GitTlsMaterial;
  proxy?: GitProxy;
}

export interface GitTransport {
  /** Environment for every git command of one fetch. */
  env: Record<string, string>;
  /** Strings to scrub from anything git prints. */
  secrets: string[];
  /** Deletes the key material written for this fetch. */
  cleanup(): Promise<void>;
}

/** The temp directories key material is written to start with this; messages show only the file name. */
export const keyDirectoryPrefix = 'fluxion-git-';

export class GitCredentialsError extends Error {
  readonly reason = 'AuthenticationFailed';
  constructor(message: string) {
    super(message);
    this.name = 'GitCredentialsError';
  }
}

/**
 * Prepares the environment for fetching `url`. `extraConfig` adds plain git settings (never secrets) the same
 * way, e.g. `protocol.file.allow` for local submodules in tests.
 */
export async function prepareGitTransport(
  url: string,
  credentials?: GitCredentials,
  extraConfig: Record<string, string> = {},
  extras: GitTransportExtras = {},
): Promise<GitTransport> {
  validateGitAccess(url, credentials, extras);
  const config: Array<[string, string]> = Object.entries(extraConfig);
  const env: Record<string, string> = {};
  const secrets: string[] = [];
  let keyDirectory: string | undefined;
  const materialDirectory = async () => (keyDirectory ??= await mkdtemp(join(tmpdir(), keyDirectoryPrefix)));

  const tls = extras.tls;
  if (tls && (tls.caCert || tls.clientCert || tls.clientKey)) {
    const origin = httpOrigin(url)!;
    const directory = await materialDirectory();
    // Files, scoped to the repository's origin, as git's http.* settings take only paths.
    if (tls.caCert) {
      // git's sslCAInfo replaces the system's trust; Flux adds ca.crt to it, so the file holds both.
      await writeFile(join(directory, 'ca.crt'), `${await systemCaBundle()}${withTrailingNewline(tls.caCert)}`, {
        mode: 0o600,
      });
      config.push([`http.${origin}/.sslCAInfo`, join(directory, 'ca.crt')]);
    }
    if (tls.clientCert && tls.clientKey) {
      await writeFile(join(directory, 'tls.crt'), withTrailingNewline(tls.clientCert), { mode: 0o600 });
      await writeFile(join(directory, 'tls.key'), withTrailingNewline(tls.clientKey), { mode: 0o600 });
      config.push(
        [`http.${origin}/.sslCert`, join(directory, 'tls.crt')],
        [`http.${origin}/.sslKey`, join(directory, 'tls.key')],
      );
    }
  }

  if (extras.proxy) {
    const proxy = proxyUrl(extras.proxy);
    config.push(['http.proxy', proxy]);
    if (extras.proxy.password) secrets.push(extras.proxy.password, encodeURIComponent(extras.proxy.password));
  }

  if (credentials?.kind === 'basic' || credentials?.kind === 'bearer') {
    const origin = httpOrigin(url)!;
    const value =
      credentials.kind === 'basic'
        ? `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`
        : `Bearer ${credentials.bearerToken}`;
    // Scoped to the repository's origin so submodules on other hosts never receive it.
    config.push([`http.${origin}/.extraHeader`, `Authorization: ${value}`]);
    secrets.push(value, value.split(' ')[1]!);
    if (credentials.kind === 'basic') secrets.push(credentials.password);
    else secrets.push(credentials.bearerToken);
  }

  if (credentials?.kind === 'ssh') {
    const keyDir = await materialDirectory();
    const identityFile = join(keyDir, 'identity');
    const knownHostsFile = join(keyDir, 'known_hosts');
    await writeFile(identityFile, withTrailingNewline(credentials.identity), { mode: 0o600 });
    await chmod(identityFile, 0o600);
    await writeFile(knownHostsFile, withTrailingNewline(credentials.knownHosts), { mode: 0o600 });
    const options = [
      '-F /dev/null',
      `-i ${shellQuote(identityFile)}`,
      `-o UserKnownHostsFile=${shellQuote(knownHostsFile)}`,
      '-o GlobalKnownHostsFile=/dev/null',
      '-o StrictHostKeyChecking=yes',
      '-o IdentitiesOnly=yes',
    ];
    if (credentials.password) {
      // ssh reads a key passphrase only from a terminal or SSH_ASKPASS: a script that echoes an env variable.
      const askPass = join(keyDir, 'askpass');
      await writeFile(askPass, '#!/bin/sh\nprintf "%s\\n" "$FLUXION_SSH_KEY_PASSWORD"\n', { mode: 0o700 });
      env.SSH_ASKPASS = askPass;
      env.SSH_ASKPASS_REQUIRE = 'force';
      env.DISPLAY = env.DISPLAY ?? 'none';
      env.FLUXION_SSH_KEY_PASSWORD = credentials.password;
      secrets.push(credentials.password);
    } else {
      options.push('-o BatchMode=yes');
    }
    env.GIT_SSH_COMMAND = `ssh ${options.join(' ')}`;
    env.GIT_SSH_VARIANT = 'ssh';
  }

  env.GIT_CONFIG_COUNT = String(config.length);
  config.forEach(([key, value], index) => {
    env[`GIT_CONFIG_KEY_${index}`] = key;
    env[`GIT_CONFIG_VALUE_${index}`] = value;
  });

  return {
    env,
    secrets,
    cleanup: async () => {
      if (keyDirectory) await rm(keyDirectory, { recursive: true, force: true });
    },
  };
}

/** Throws a GitCredentialsError when the Secrets do not fit the URL (e.g. TLS material for plain http). */
export function validateGitAccess(url: string, credentials?: GitCredentials, extras: GitTransportExtras = {}): void {
  const origin = httpOrigin(url);
  const tls = extras.tls;
  if (tls && (tls.caCert || tls.clientCert || tls.clientKey)) {
    if (!origin?.startsWith('https:'))
      throw new GitCredentialsError(
        `TLS material (ca.crt, tls.crt, tls.key) needs an https URL, not '${redactUrl(url)}'`,
      );
    if (Boolean(tls.clientCert) !== Boolean(tls.clientKey))
      throw new GitCredentialsError(`the Secret for ${redactUrl(url)} must hold both tls.crt and tls.key, or neither`);
  }
  if (extras.proxy) {
    proxyUrl(extras.proxy);
    if (!origin)
      throw new GitCredentialsError(
        `a proxy (spec.proxySecretRef) works only with http(s) URLs, not '${redactUrl(url)}'`,
      );
  }
  if ((credentials?.kind === 'basic' || credentials?.kind === 'bearer') && !origin)
    throw new GitCredentialsError(
      `${credentials.kind === 'basic' ? 'username/password' : 'bearer token'} credentials need an http(s) URL, not '${redactUrl(url)}'`,
    );
  if (credentials?.kind === 'ssh') {
    if (!/^ssh:\/\//.test(url))
      throw new GitCredentialsError(`SSH credentials need an ssh:// URL, not '${redactUrl(url)}'`);
    if (credentials.knownHosts.trim() === '')
      throw new GitCredentialsError(
        `the Secret for ${redactUrl(url)} has no known_hosts: host key verification cannot be skipped`,
      );
  }
}

// Where distributions keep the system's trusted CAs (Debian/Alpine, RHEL, others), after an explicit SSL_CERT_FILE.
const systemCaBundlePaths = [
  '/etc/ssl/certs/ca-certificates.crt',
  '/etc/pki/tls/certs/ca-bundle.crt',
  '/etc/ssl/cert.pem',
];

/** The system's CA bundle as PEM, or '' where there is none (e.g. a distroless image). */
export async function systemCaBundle(environment: NodeJS.ProcessEnv = process.env): Promise<string> {
  for (const path of [environment.SSL_CERT_FILE, ...systemCaBundlePaths]) {
    if (!path) continue;
    const pem = await readFile(path, 'utf8').catch(() => undefined);
    if (pem !== undefined) return withTrailingNewline(pem);
  }
  return '';
}

function proxyUrl(proxy: GitProxy): string {
  let parsed: URL;
  try {
    parsed = new URL(proxy.address);
  } catch {
    throw new GitCredentialsError(
      `the proxy address '${redactUrl(proxy.address)}' in spec.proxySecretRef is not a URL`,
    );
  }
  if (proxy.username) parsed.username = proxy.username;
  if (proxy.password) parsed.password = proxy.password;
  return parsed.toString();
}

function httpOrigin(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return undefined;
  }
}

function withTrailingNewline(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
