// The first step of every GitRepository fetch: the remote's refs. Over http(s) one in-process GET of info/refs (no
// process, one request, as go-git does); for SSH and other URLs `git ls-remote`. Failures say what to fix.
import {
  GitHttpError,
  GitRemoteError,
  type GitCredentials,
  type GitProxy,
  type GitTlsMaterial,
  isHttpGitUrl,
  listRemoteRefs,
  peeledRefMap,
  tlsFailureHeadline,
} from '@fluxion/runtime';
import { FetchError } from './fetch-error.ts';
import type { RemoteRefs } from './git-ref.ts';

export interface InProcessListing {
  /** The URL without credentials. */
  url: string;
  credentials?: GitCredentials | undefined;
  tls?: GitTlsMaterial | undefined;
  proxy?: GitProxy | undefined;
  deadline: number;
  timeoutMs: number;
  /** e.g. "branch 'main' from https://host/repo.git", for messages. */
  what: string;
}

export const listingRefs = 'listing refs of';

/** True when the refs can be listed in-process (http and https URLs). */
export function listsInProcess(url: string): boolean {
  return isHttpGitUrl(url);
}

export async function listRefsInProcess(listing: InProcessListing): Promise<RemoteRefs> {
  try {
    const advertisement = await listRemoteRefs(listing.url, {
      ...(listing.credentials ? { credentials: listing.credentials } : {}),
      ...(listing.tls ? { tls: listing.tls } : {}),
      ...(listing.proxy ? { proxy: listing.proxy } : {}),
      deadline: listing.deadline,
    });
    return peeledRefMap(advertisement);
  } catch (error) {
    throw listingError(error, listing);
  }
}

function listingError(error: unknown, listing: InProcessListing): FetchError {
  const step = `${listingRefs} ${listing.what}`;
  if (error instanceof GitRemoteError) {
    if (error.kind === 'authentication') {
      const why = listing.credentials ? 'credentials refused' : 'credentials required';
      return new FetchError(
        'AuthenticationFailed',
        `authentication to ${error.host} failed while ${step}: HTTP ${error.status}, ${why} (check the credentials in spec.secretRef)`,
      );
    }
    return new FetchError('GitOperationFailed', `${step} failed: ${error.message}`);
  }
  if (error instanceof GitHttpError) {
    if (error.kind === 'timeout')
      return new FetchError(
        'GitOperationFailed',
        `${step} timed out after ${formatSeconds(listing.timeoutMs)} (spec.timeout)`,
      );
    if (error.tls)
      return new FetchError(
        'AuthenticationFailed',
        `${tlsFailureHeadline(error.tls.kind, error.host)} while ${step}: ${error.tls.cause} (${error.tls.hint})`,
      );
    return new FetchError('GitOperationFailed', `${step} failed: ${error.message}`);
  }
  return new FetchError(
    'GitOperationFailed',
    `${step} failed: ${error instanceof Error ? error.message : String(error)}`,
  );
}

export function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${(ms / 1000).toFixed(1)}s`;
}
