// Fetches a GitRepository's ref into a directory: the remote's refs first (in-process over http(s); nothing is cloned
// when the remote revision equals the stored one), then a branch or tag over http(s) in-process too (no submodules,
// sparse checkout or verification), else a shallow clone of exactly that ref in one git process, or init + fetch + checkout
// where clone cannot say what is asked (commits, ref names, sparse checkout).
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  authenticationFailureLine,
  GitCommandError,
  type GitCredentials,
  lastGitLines,
  type GitProxy,
  canFetchTreeInProcess,
  type GitTlsMaterial,
  type GitTlsSettings,
  type GitTransport,
  type GitTransportExtras,
  prepareGitTransport,
  recogniseTlsFailure,
  redactText,
  redactUrl,
  runGit,
  tlsFailureHeadline,
  validateGitAccess,
} from '@fluxion/runtime';
import {
  describeRefRequest,
  type GitRefRequest,
  type GitRepositoryRef,
  parseLsRemote,
  refRequestFromSpec,
  type RemoteRefs,
  resolveRemoteRef,
} from './git-ref.ts';
import {
  fetchTreeOverHttp,
  formatSeconds,
  type ListedRefs,
  listingRefs,
  listRefsInProcess,
  listsInProcess,
} from './git-remote-refs.ts';
import { FetchError } from './fetch-error.ts';
import { formatGitRevision, isSameRevision } from './revision.ts';
import { credentialsWithUrl, splitUrlCredentials } from './url-credentials.ts';

export interface GitCheckoutOptions {
  /** `spec.url`. */
  url: string;
  /** `spec.ref`; absent means branch `master`. */
  ref?: GitRepositoryRef;
  /** Where to check out; created if missing, must be empty. */
  directory: string;
  credentials?: GitCredentials;
  /** `ca.crt` / `tls.crt` / `tls.key` from the same Secret. */
  tls?: GitTlsMaterial;
  /** From `spec.proxySecretRef`. */
  proxy?: GitProxy;
  /** `spec.timeout` in milliseconds for the whole fetch, default 60 s. */
  timeoutMs?: number;
  /** `status.artifact.revision`: when the remote still has it, nothing is cloned. */
  lastObservedRevision?: string;
  /** `spec.recurseSubmodules`. */
  recurseSubmodules?: boolean;
  /** `spec.sparseCheckout`: directories to check out (cone mode; files at the root come along). */
  sparseCheckout?: string[];
  /** A repository must be left in the directory (spec.verify checks signatures with git there). */
  needsRepository?: boolean;
  /** Extra non-secret git settings, e.g. `protocol.file.allow` for local submodules. */
  gitConfig?: Record<string, string>;
}

export type GitCheckoutResult =
  { changed: false; revision: string } | { changed: true; revision: string; commit: string; commitSubject: string };

export const defaultGitTimeoutMs = 60_000;
/** Where the fetched branch or tag is kept in a checkout (for a tag, the tag object itself, for verify-tag). */
export const fetchedRefName = 'refs/fluxion/target';

export async function checkoutGitRepository(options: GitCheckoutOptions): Promise<GitCheckoutResult> {
  const request = refRequestFromSpec(options.ref);
  const displayUrl = redactUrl(options.url);
  const timeoutMs = options.timeoutMs ?? defaultGitTimeoutMs;
  const deadline = Date.now() + timeoutMs;
  // credentials written into spec.url go where the Secret's go: never onto git's command line
  const fromUrl = splitUrlCredentials(options.url);
  const url = fromUrl.url;
  const credentials = credentialsWithUrl(options.credentials, fromUrl);
  const extras: GitTransportExtras = {
    ...(options.tls ? { tls: options.tls } : {}),
    ...(options.proxy ? { proxy: options.proxy } : {}),
  };
  const context: GitContext = {
    request,
    displayUrl,
    timeoutMs,
    deadline,
    env: {},
    secrets: [],
    tls: { caCert: Boolean(options.tls?.caCert), clientCertificate: Boolean(options.tls?.clientCert) },
  };
  let transport: GitTransport | undefined;
  // git's environment (credentials, TLS files) is prepared only when a git process runs: not for an unchanged remote.
  const openTransport = async () => {
    transport = await prepareGitTransport(url, credentials, { ...quietGitConfig, ...options.gitConfig }, extras).catch(
      (error: unknown) => {
        throw new FetchError('AuthenticationFailed', error instanceof Error ? error.message : String(error));
      },
    );
    context.env = transport.env;
    context.secrets = transport.secrets;
  };
  try {
    let refs: RemoteRefs;
    let listed: ListedRefs | undefined;
    const listing = {
      url,
      credentials,
      tls: options.tls,
      proxy: options.proxy,
      deadline,
      timeoutMs,
      what: `${describeRefRequest(request)} from ${displayUrl}`,
    };
    if (listsInProcess(url)) {
      try {
        validateGitAccess(url, credentials, extras);
      } catch (error) {
        throw new FetchError('AuthenticationFailed', error instanceof Error ? error.message : String(error));
      }
      listed = await listRefsInProcess(listing);
      refs = listed.refs;
    } else {
      await openTransport();
      const output = await git(context, listingRefs, ['ls-remote', url, ...lsRemotePatterns(request)], {
        maxOutputBytes: 64 * 1024 * 1024,
      });
      refs = parseLsRemote(output);
    }
    const resolved = resolveRemoteRef(request, refs, displayUrl);
    if (resolved.revision !== '' && isSameRevision(options.lastObservedRevision, resolved.revision)) {
      return { changed: false, revision: resolved.revision };
    }

    const cwd = options.directory;
    const sparse = options.sparseCheckout !== undefined && options.sparseCheckout.length > 0;
    const byRef = request.kind === 'branch' || request.kind === 'tag' || request.kind === 'semver';
    const plain = byRef && !sparse && !options.recurseSubmodules && !options.needsRepository;
    const tip = resolved.fetchRef === undefined ? undefined : listed?.tips.get(resolved.fetchRef);
    if (listed && tip && plain && canFetchTreeInProcess(listed.capabilities)) {
      // The plain case needs no repository: the branch's or tag's tree, fetched and written without a git process.
      const fetched = await fetchTreeOverHttp(listing, listed, tip, cwd);
      return {
        changed: true,
        revision: formatGitRevision(resolved.name, fetched.commit),
        commit: fetched.commit,
        commitSubject: fetched.subject,
      };
    }

    if (!transport) await openTransport();
    await mkdir(cwd, { recursive: true });
    if (clonesInOneStep(request, refs, sparse)) {
      // One process fetches and checks out: git clone of the branch or tag alone, shallow.
      const name = resolved.fetchRef!.replace(/^refs\/(heads|tags)\//, '');
      await git(context, 'fetching', [
        'clone',
        '--quiet',
        '--depth=1',
        '--single-branch',
        '--no-tags',
        '--branch',
        name,
        '--',
        url,
        cwd,
      ]);
      // Verification looks for the fetched branch or tag here, as after a fetch; a symbolic ref costs no process.
      await mkdir(join(cwd, '.git', 'refs', 'fluxion'), { recursive: true });
      await writeFile(join(cwd, '.git', fetchedRefName), `ref: ${resolved.fetchRef!}\n`);
    } else {
      await git(context, 'initializing a checkout of', ['init', '--quiet', cwd]);
      await git(context, 'configuring the remote of', ['remote', 'add', 'origin', url], { cwd });
      if (sparse) {
        await git(
          context,
          'setting up sparse checkout of',
          ['sparse-checkout', 'set', '--cone', '--', ...options.sparseCheckout!],
          { cwd },
        );
      }
      const target = await fetchTarget(context, request, resolved.fetchRef, resolved.commit, cwd);
      await git(context, 'checking out', ['checkout', '--quiet', '--detach', target], { cwd });
    }
    if (options.recurseSubmodules) {
      await git(context, 'updating submodules of', ['submodule', 'update', '--init', '--recursive'], { cwd });
    }
    const [commit = '', ...subject] = (
      await git(context, 'reading HEAD of', ['log', '-1', '--format=%H%n%s', 'HEAD'], { cwd })
    ).split('\n');
    return {
      changed: true,
      revision: formatGitRevision(resolved.name, commit.trim()),
      commit: commit.trim(),
      commitSubject: subject.join('\n').trim(),
    };
  } finally {
    await transport?.cleanup();
  }
}

// No background maintenance, gc or commit-graph after a fetch: each would be one more process for a throwaway clone.
const quietGitConfig: Record<string, string> = {
  'maintenance.auto': 'false',
  'gc.auto': '0',
  'fetch.writeCommitGraph': 'false',
};

// A branch or tag (also picked by semver) without sparse checkout is one `git clone`; a tag that a branch shares
// its name with would be taken for the branch by clone, so it keeps the fetch path.
function clonesInOneStep(request: GitRefRequest, refs: RemoteRefs, sparse: boolean): boolean {
  if (sparse) return false;
  if (request.kind === 'branch') return true;
  if (request.kind === 'tag') return !refs.has(`refs/heads/${request.tag}`);
  return false;
}

interface GitContext {
  request: GitRefRequest;
  displayUrl: string;
  timeoutMs: number;
  deadline: number;
  env: Record<string, string>;
  secrets: string[];
  tls: GitTlsSettings;
}

// Ask only for the refs this request can use, so a repository with thousands of PR refs stays cheap.
function lsRemotePatterns(request: GitRefRequest): string[] {
  switch (request.kind) {
    case 'branch':
      return [`refs/heads/${request.branch}`];
    case 'tag':
      return [`refs/tags/${request.tag}`, `refs/tags/${request.tag}^{}`];
    case 'semver':
      return ['--', 'refs/tags/*'];
    case 'name':
      return [request.name, `${request.name}^{}`];
    case 'commit':
      return request.branch ? [`refs/heads/${request.branch}`] : ['HEAD'];
  }
}

// Returns what to check out: the fetched ref, or the commit itself.
async function fetchTarget(
  context: GitContext,
  request: GitRefRequest,
  fetchRef: string | undefined,
  commit: string | undefined,
  cwd: string,
): Promise<string> {
  if (request.kind !== 'commit') {
    await git(
      context,
      'fetching',
      ['fetch', '--quiet', '--depth=1', '--no-tags', 'origin', `+${fetchRef!}:${fetchedRefName}`],
      { cwd },
    );
    return `${fetchedRefName}^{commit}`;
  }
  if (request.branch !== undefined) {
    // The commit must be in the branch: fetch the branch's history and look for it there.
    await git(
      context,
      'fetching',
      ['fetch', '--quiet', '--no-tags', 'origin', `+refs/heads/${request.branch}:refs/fluxion/branch`],
      { cwd },
    );
    try {
      await runGit(['merge-base', '--is-ancestor', `${request.commit}^{commit}`, 'refs/fluxion/branch'], {
        cwd,
        env: context.env,
        deadline: context.deadline,
      });
    } catch {
      throw new FetchError(
        'GitOperationFailed',
        `commit '${request.commit}' not found in branch '${request.branch}' of ${context.displayUrl}`,
      );
    }
    return `${request.commit}^{commit}`;
  }
  if (commit !== undefined) {
    // Servers that allow fetching a commit by id spare a full clone.
    const shallow = await runGit(['fetch', '--quiet', '--depth=1', '--no-tags', 'origin', commit], {
      cwd,
      env: context.env,
      deadline: context.deadline,
    }).then(
      () => true,
      () => false,
    );
    if (shallow) return `${commit}^{commit}`;
  }
  await git(context, 'fetching', ['fetch', '--quiet', '--tags', 'origin', '+refs/heads/*:refs/remotes/origin/*'], {
    cwd,
  });
  try {
    await runGit(['rev-parse', '--verify', '--quiet', `${request.commit}^{commit}`], {
      cwd,
      env: context.env,
      deadline: context.deadline,
    });
  } catch {
    throw new FetchError('GitOperationFailed', `commit '${request.commit}' not found on ${context.displayUrl}`);
  }
  return `${request.commit}^{commit}`;
}

async function git(
  context: GitContext,
  step: string,
  args: string[],
  options: { cwd?: string; maxOutputBytes?: number } = {},
): Promise<string> {
  try {
    const { stdout } = await runGit(args, { ...options, env: context.env, deadline: context.deadline });
    return stdout;
  } catch (error) {
    throw toFetchError(context, step, error);
  }
}

function toFetchError(context: GitContext, step: string, error: unknown): FetchError {
  if (error instanceof FetchError) return error;
  const what = `${describeRefRequest(context.request)} from ${context.displayUrl}`;
  if (!(error instanceof GitCommandError)) {
    return new FetchError(
      'GitOperationFailed',
      `${step} ${what} failed: ${redactText(error instanceof Error ? error.message : String(error), context.secrets)}`,
    );
  }
  if (error.timedOut) {
    return new FetchError(
      'GitOperationFailed',
      `${step} ${what} timed out after ${formatSeconds(context.timeoutMs)} (spec.timeout)`,
    );
  }
  const detail = redactText(lastGitLines(error.stderr), context.secrets);
  const tls = recogniseTlsFailure(error.stderr, {
    url: context.displayUrl,
    firstRequest: step === listingRefs,
    settings: context.tls,
  });
  if (tls) {
    // Like a refused SSH host key or a 401: what to fix is in the Secret, so it is an authentication failure.
    const cause = redactText(tls.cause, context.secrets);
    return new FetchError(
      'AuthenticationFailed',
      `${tlsFailureHeadline(tls.kind, hostOf(context.displayUrl))} while ${step} ${what}: ${cause} (${tls.hint})`,
    );
  }
  const refused = authenticationFailureLine(error.stderr);
  if (refused) {
    return new FetchError(
      'AuthenticationFailed',
      `authentication to ${hostOf(context.displayUrl)} failed while ${step} ${what}: ${redactText(refused, context.secrets)} (check the credentials in spec.secretRef)`,
    );
  }
  return new FetchError('GitOperationFailed', `${step} ${what} failed: ${detail}`);
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
