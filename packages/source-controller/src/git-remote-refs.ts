// The remote's refs, and in the plain case the fetch itself, over http(s) without a git process: one GET of info/refs
// (as go-git does), then one POST for a shallow pack whose tree is written out. Failures say what to fix.
import {
  fetchTreeInProcess,
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

export interface ListedRefs {
  refs: RemoteRefs;
  /** Ref name → the id it points to, unpeeled (an annotated tag's own id): what a fetch asks for. */
  tips: Map<string, string>;
  /** What the server can do, for deciding whether the fetch can be in-process too. */
  capabilities: string[];
  /** The repository URL after redirects. */
  url: string;
}

export async function listRefsInProcess(listing: InProcessListing): Promise<ListedRefs> {
  try {
    const advertisement = await listRemoteRefs(listing.url, accessOf(listing));
    return {
      refs: peeledRefMap(advertisement),
      tips: new Map(advertisement.refs.map((ref) => [ref.name, ref.oid])),
      capabilities: advertisement.capabilities,
      url: advertisement.url,
    };
  } catch (error) {
    throw inProcessError(error, listing, listingRefs);
  }
}

/** Writes the tree of `commit` into `directory` without git: one POST, the pack read in memory. */
export async function fetchTreeOverHttp(
  listing: InProcessListing,
  listed: ListedRefs,
  tip: string,
  directory: string,
): Promise<{ commit: string; subject: string }> {
  try {
    return await fetchTreeInProcess(listed.url, tip, directory, accessOf(listing));
  } catch (error) {
    throw inProcessError(error, listing, 'fetching');
  }
}

function accessOf(listing: InProcessListing) {
  return {
    ...(listing.credentials ? { credentials: listing.credentials } : {}),
    ...(listing.tls ? { tls: listing.tls } : {}),
    ...(listing.proxy ? { proxy: listing.proxy } : {}),
    deadline: listing.deadline,
  };
}

function inProcessError(error: unknown, listing: InProcessListing, stepName: string): FetchError {
  const step = `${stepName} ${listing.what}`;
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
