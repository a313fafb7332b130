// `git ls-remote` over smart HTTP(S) without a process: one GET of info/refs (protocol v0, which carries the refs in
// its answer), parsed in-process. 401/403 and 404 become errors that say what to fix and name the host.
import type { GitCredentials, GitProxy, GitTlsMaterial } from './git-transport.ts';
import { authorizationFor, gitHttpRequest } from './git-http-request.ts';
import {
  type GitRefAdvertisement,
  parseDumbRefs,
  parseSmartAdvertisement,
  RefAdvertisementError,
} from './ref-advertisement.ts';

export type GitRemoteErrorKind = 'authentication' | 'not-found' | 'status' | 'protocol';

/** The server answered, but not with refs: wrong credentials, no such repository, an error status, not git. */
export class GitRemoteError extends Error {
  readonly kind: GitRemoteErrorKind;
  readonly host: string;
  readonly status: number | undefined;
  constructor(kind: GitRemoteErrorKind, host: string, message: string, status?: number) {
    super(message);
    this.name = 'GitRemoteError';
    this.kind = kind;
    this.host = host;
    this.status = status;
  }
}

export interface ListRemoteRefsOptions {
  /** Basic or bearer credentials; SSH credentials do not apply to HTTP. */
  credentials?: GitCredentials;
  tls?: GitTlsMaterial;
  proxy?: GitProxy;
  deadline: number;
  /** Cap on the advertisement; 64 MiB by default (repositories with many thousands of refs). */
  maxBytes?: number;
  environment?: NodeJS.ProcessEnv;
}

export interface GitRemoteRefs extends GitRefAdvertisement {
  /** The repository URL after redirects (without `/info/refs`). */
  url: string;
}

/** True for URLs this module can list: http and https. SSH and others keep using the git CLI. */
export function isHttpGitUrl(url: string): boolean {
  return /^https?:\/\//i.test(url);
}

/**
 * Lists the refs of the repository at `url` (http or https). Throws GitHttpError (timeout, TLS, connection, proxy)
 * or GitRemoteError (the server's answer); neither message carries credentials.
 */
export async function listRemoteRefs(url: string, options: ListRemoteRefsOptions): Promise<GitRemoteRefs> {
  const repository = new URL(url);
  repository.username = '';
  repository.password = '';
  const base = repository.href.replace(/\/+$/, '');
  const infoRefs = new URL(`${base}/info/refs?service=git-upload-pack`);
  const response = await gitHttpRequest(infoRefs, {
    // No Git-Protocol header: the server answers with protocol v0, refs included, in this one request.
    headers: { 'User-Agent': 'git/2.0 (fluxion)', Accept: '*/*', 'Accept-Encoding': 'gzip', Pragma: 'no-cache' },
    ...authorizationFor(options.credentials),
    ...(options.tls ? { tls: options.tls } : {}),
    ...(options.proxy ? { proxy: options.proxy } : {}),
    deadline: options.deadline,
    maxBytes: options.maxBytes ?? 64 * 1024 * 1024,
    ...(options.environment ? { environment: options.environment } : {}),
  });
  const host = response.url.host;
  const finalUrl = response.url.href.replace(/\/info\/refs\?service=git-upload-pack$/, '');
  if (response.status === 401 || response.status === 403) {
    const why = options.credentials ? 'credentials refused' : 'credentials required';
    throw new GitRemoteError(
      'authentication',
      host,
      `authentication failed for ${host}: HTTP ${response.status} (${why})`,
      response.status,
    );
  }
  if (response.status === 404 || response.status === 410)
    throw new GitRemoteError('not-found', host, `repository not found: HTTP ${response.status} from ${host}`, 404);
  if (response.status < 200 || response.status >= 300)
    throw new GitRemoteError('status', host, `${host} answered HTTP ${response.status}`, response.status);
  const contentType = String(response.headers['content-type'] ?? '')
    .split(';')[0]!
    .trim();
  try {
    if (contentType === 'application/x-git-upload-pack-advertisement')
      return { ...parseSmartAdvertisement(response.body), url: finalUrl };
    // A dumb server (static files) serves info/refs as text.
    if (contentType === 'text/plain' || contentType === '' || contentType === 'application/octet-stream')
      return { ...parseDumbRefs(response.body), url: finalUrl };
  } catch (error) {
    if (error instanceof RefAdvertisementError)
      throw new GitRemoteError('protocol', host, `${host} sent an invalid ref list: ${error.message}`);
    throw error;
  }
  throw new GitRemoteError(
    'protocol',
    host,
    `${host} did not answer as a git server (Content-Type '${contentType}'): is the URL a git repository?`,
  );
}
