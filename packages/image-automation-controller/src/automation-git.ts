// Clone, update, commit and push for one automation run: a shallow fetch of the checkout ref, the push branch made
// locally from it (or from the remote push branch), and a plain push; a push rejected because the branch moved is
// fetched, reapplied and retried a bounded number of times. Never a force push.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  authenticationFailureLine,
  GitCommandError,
  type GitAccess,
  type GitCredentials,
  isHttpGitUrl,
  listRemoteRefs,
  peeledRefMap,
  lastGitLines,
  prepareGitTransport,
  recogniseTlsFailure,
  redactText,
  redactUrl,
  runGit,
  tlsFailureHeadline,
  validateGitAccess,
} from '@fluxion/runtime';
import type { CommitSigner } from './commit-signing.ts';

export type AutomationGitReason =
  'GitOperationFailed' | 'AuthenticationFailed' | 'AccessDenied' | 'InvalidSourceConfiguration';

export class AutomationGitError extends Error {
  readonly reason: AutomationGitReason;
  constructor(reason: AutomationGitReason, message: string) {
    super(message);
    this.name = 'AutomationGitError';
    this.reason = reason;
  }
}

/** The ref to check out: `spec.git.checkout.ref`, or the GitRepository's `spec.ref`. */
export interface CheckoutRef {
  branch?: string | undefined;
  tag?: string | undefined;
  semver?: string | undefined;
  name?: string | undefined;
  commit?: string | undefined;
}

export interface AutomationGitOptions {
  url: string;
  access: GitAccess;
  /** The GitRepository's `spec.timeout`, for each git step. */
  timeoutMs: number;
  checkout: CheckoutRef;
  /** `spec.git.push.branch`, else the checkout branch. */
  pushBranch: string;
  pushRefspec?: string | undefined;
  pushOptions?: Record<string, string> | undefined;
  author: { name: string; email: string };
  /** Makes the commit signer, called once and only when there is something to commit; cleaned up at the end. */
  signer?: (() => Promise<CommitSigner>) | undefined;
  workDirectory: string;
  /** Pushes tried in all when the branch keeps moving. */
  maxPushAttempts: number;
  /** Applies the update to the checkout; the message to commit with, or undefined when nothing changed. */
  update(checkoutDirectory: string): Promise<{ message: string } | undefined>;
}

export interface AutomationGitResult {
  /** The checked-out revision, as `<branch>@sha1:<hex>`. */
  sourceRevision: string;
  pushed?: { commit: string; attempts: number };
}

type Git = (step: string, args: string[]) => Promise<string>;

export async function runAutomationGit(options: AutomationGitOptions): Promise<AutomationGitResult> {
  const displayUrl = redactUrl(options.url);
  const transport = await openTransport(options.url, options.access);
  const directory = await mkdtemp(join(options.workDirectory, 'fluxion-automation-'));
  let env: Record<string, string> = { ...transport.env, ...authorEnv(options.author) };
  let signer: CommitSigner | undefined;
  const tls = {
    caCert: Boolean(options.access.tls?.caCert),
    clientCertificate: Boolean(options.access.tls?.clientCert),
  };
  let firstRemoteStep = true;
  const git: Git = async (step, args) => {
    try {
      return (await runGit(args, { cwd: directory, env, deadline: Date.now() + options.timeoutMs })).stdout;
    } catch (error) {
      throw describeFailure(error, step, displayUrl, transport.secrets, tls, firstRemoteStep);
    } finally {
      if (args[0] === 'ls-remote' || args[0] === 'fetch' || args[0] === 'push') firstRemoteStep = false;
    }
  };
  try {
    // Few git processes: each costs tens of milliseconds, and a run is on the path from a new tag to its commit.
    await git('initializing a checkout of', ['init', '--quiet']);
    const remote: Remote = { git, url: options.url, displayUrl, directory };
    const source = await fetchCheckout(remote, options.checkout);
    const pushRef = `refs/heads/${options.pushBranch}`;
    for (let attempt = 1; attempt <= options.maxPushAttempts; attempt++) {
      // The push branch's own tip when it exists (its commits are kept), else the checked-out commit.
      const base =
        options.pushBranch === source.branch && attempt === 1
          ? source.commit
          : ((await fetchBranchTip(remote, options.pushBranch)) ?? source.commit);
      await git('preparing the push branch of', ['checkout', '--quiet', '--force', '-B', options.pushBranch, base]);
      if (attempt > 1) await git('cleaning the checkout of', ['clean', '-ffdxq']);
      const update = await options.update(directory);
      // Nothing (more) to change, e.g. someone else pushed the same update meanwhile.
      if (!update)
        return {
          sourceRevision: options.pushBranch === source.branch ? `${source.branch}@sha1:${base}` : source.revision,
        };
      const messageFile = join(directory, '.git', 'FLUXION_COMMIT_MESSAGE');
      await writeFile(messageFile, update.message);
      if (options.signer && !signer) {
        signer = await options.signer();
        env = { ...env, ...signer.env, ...configEnv(transport.env, signer.gitConfig) };
      }
      // --all: the setters only rewrite files git already tracks.
      await git('committing to', [
        'commit',
        '--quiet',
        '--all',
        '--cleanup=verbatim',
        '-F',
        messageFile,
        ...(signer ? ['-S'] : ['--no-gpg-sign']),
      ]);
      const commit = await readRef(remote, `refs/heads/${options.pushBranch}`);
      const refspecs = [`${pushRef}:${pushRef}`, ...(options.pushRefspec ? [options.pushRefspec] : [])];
      const pushOptions = Object.entries(options.pushOptions ?? {}).map(
        ([key, value]) => `--push-option=${value === '' ? key : `${key}=${value}`}`,
      );
      try {
        await git(`pushing branch '${options.pushBranch}' to`, [
          'push',
          '--quiet',
          ...pushOptions,
          options.url,
          ...refspecs,
        ]);
        // Pushed to the branch it checked out: the source is now at our commit (as Flux reports it).
        const sourceRevision =
          source.branch === options.pushBranch ? `${source.branch}@sha1:${commit}` : source.revision;
        return { sourceRevision, pushed: { commit, attempts: attempt } };
      } catch (error) {
        if (!(error instanceof BranchMovedError)) throw error;
        if (attempt === options.maxPushAttempts) {
          throw new AutomationGitError(
            'GitOperationFailed',
            `branch '${options.pushBranch}' of ${displayUrl} moved during each of ${attempt} pushes; will try again`,
          );
        }
      }
    }
    throw new Error('unreachable');
  } finally {
    await signer?.cleanup();
    await rm(directory, { recursive: true, force: true });
    await transport.cleanup();
  }
}

/** The checkout branch's remote revision (`<branch>@sha1:<hex>`) by ls-remote alone, or undefined when it is absent. */
export async function remoteBranchRevision(
  options: Pick<AutomationGitOptions, 'url' | 'access' | 'timeoutMs'>,
  branch: string,
): Promise<string | undefined> {
  const deadline = Date.now() + options.timeoutMs;
  if (isHttpGitUrl(options.url)) {
    // In-process, one GET of info/refs: the check an unchanged automation makes on every interval costs no process.
    validateGitAccess(options.url, options.access.credentials, options.access);
    const { url, credentials } = withoutUrlCredentials(options.url, options.access.credentials);
    const refs = await listRemoteRefs(url, {
      ...(credentials ? { credentials } : {}),
      ...(options.access.tls ? { tls: options.access.tls } : {}),
      ...(options.access.proxy ? { proxy: options.access.proxy } : {}),
      deadline,
    });
    const commit = peeledRefMap(refs).get(`refs/heads/${branch}`);
    return commit ? `${branch}@sha1:${commit}` : undefined;
  }
  const transport = await openTransport(options.url, options.access);
  try {
    const { stdout } = await runGit(['ls-remote', options.url, `refs/heads/${branch}`], {
      env: transport.env,
      deadline,
    });
    const commit = stdout.split(/\s/)[0];
    return commit ? `${branch}@sha1:${commit}` : undefined;
  } finally {
    await transport.cleanup();
  }
}

// `https://user:token@host/repo.git`: the userinfo is the credentials when the Secret has none, as git takes it.
function withoutUrlCredentials(
  url: string,
  credentials: GitCredentials | undefined,
): { url: string; credentials: GitCredentials | undefined } {
  const parsed = new URL(url);
  if (parsed.username === '' && parsed.password === '') return { url, credentials };
  const username = decodeURIComponent(parsed.username);
  const password = decodeURIComponent(parsed.password);
  parsed.username = '';
  parsed.password = '';
  return { url: parsed.toString(), credentials: credentials ?? { kind: 'basic', username, password } };
}

// The GitRepository's credentials, TLS material and proxy as git's environment; a Secret unfit for the URL is named.
function openTransport(url: string, access: GitAccess) {
  return prepareGitTransport(
    url,
    access.credentials,
    {},
    {
      ...(access.tls ? { tls: access.tls } : {}),
      ...(access.proxy ? { proxy: access.proxy } : {}),
    },
  ).catch((error: unknown) => {
    throw new AutomationGitError('AuthenticationFailed', error instanceof Error ? error.message : String(error));
  });
}

interface Remote {
  git: Git;
  url: string;
  displayUrl: string;
  directory: string;
}

// What was asked for, fetched shallow: a branch, a tag, a full ref name or a commit.
async function fetchCheckout(
  remote: Remote,
  ref: CheckoutRef,
): Promise<{ branch?: string; commit: string; revision: string }> {
  const { git, url } = remote;
  if (ref.semver)
    throw new AutomationGitError(
      'InvalidSourceConfiguration',
      `checking out a semver range ('${ref.semver}') is not supported by image automation yet: use a branch`,
    );
  if (ref.commit) {
    await git(`fetching commit ${ref.commit} from`, ['fetch', '--quiet', '--depth=1', url, ref.commit]);
    return { commit: ref.commit, revision: `sha1:${ref.commit}`, ...(ref.branch ? { branch: ref.branch } : {}) };
  }
  if (ref.name || ref.tag) {
    const name = ref.name ?? `refs/tags/${ref.tag}`;
    await git(`fetching ${name} from`, ['fetch', '--quiet', '--depth=1', url, `+${name}:refs/fluxion/checkout`]);
    const commit = (await git('reading', ['rev-parse', 'refs/fluxion/checkout^{commit}'])).trim();
    return { commit, revision: `${ref.tag ?? name}@sha1:${commit}` };
  }
  const branch = ref.branch ?? 'master';
  const commit = await fetchBranchTip(remote, branch);
  if (!commit)
    throw new AutomationGitError('GitOperationFailed', `branch '${branch}' not found on ${remote.displayUrl}`);
  return { branch, commit, revision: `${branch}@sha1:${commit}` };
}

// The branch's tip, fetched shallow; undefined when the remote has no such branch.
async function fetchBranchTip(remote: Remote, branch: string): Promise<string | undefined> {
  const ref = `refs/remotes/origin/${branch}`;
  try {
    await remote.git(`fetching branch '${branch}' from`, [
      'fetch',
      '--quiet',
      '--depth=1',
      remote.url,
      `+refs/heads/${branch}:${ref}`,
    ]);
  } catch (error) {
    if (error instanceof AutomationGitError && /couldn't find remote ref/i.test(error.message)) return undefined;
    throw error;
  }
  return readRef(remote, ref);
}

// A ref git just wrote is a loose file; rev-parse only when it is not (packed refs, another ref store).
async function readRef(remote: Remote, ref: string): Promise<string> {
  const loose = await readFile(join(remote.directory, '.git', ref), 'utf8').catch(() => '');
  if (/^[0-9a-f]{40,64}\s*$/.test(loose)) return loose.trim();
  return (await remote.git('reading', ['rev-parse', ref])).trim();
}

class BranchMovedError extends Error {}

// The server turned the push down because the branch is no longer where we fetched it.
const branchMoved =
  /\[rejected\].*\((fetch first|non-fast-forward|stale info)\)|\[remote rejected\].*(cannot lock ref|failed to update ref)/;
// The server refused the push itself: a protected branch, a read-only token, a hook.
const pushRefused = /\[remote rejected\]|permission to .* denied|not allowed to push|protected branch|\b403\b/i;

function describeFailure(
  error: unknown,
  step: string,
  displayUrl: string,
  secrets: string[],
  tls: { caCert: boolean; clientCertificate: boolean },
  firstRemoteStep: boolean,
): Error {
  if (error instanceof AutomationGitError) return error;
  if (!(error instanceof GitCommandError))
    return new AutomationGitError(
      'GitOperationFailed',
      `${step} ${displayUrl} failed: ${redactText(String(error), secrets)}`,
    );
  if (error.timedOut)
    return new AutomationGitError(
      'GitOperationFailed',
      `${step} ${displayUrl} timed out (the GitRepository's spec.timeout)`,
    );
  const stderr = error.stderr;
  if (step.startsWith('pushing') && branchMoved.test(stderr)) return new BranchMovedError(stderr);
  const host = hostOf(displayUrl);
  const tlsFailure = recogniseTlsFailure(stderr, { url: displayUrl, firstRequest: firstRemoteStep, settings: tls });
  if (tlsFailure) {
    return new AutomationGitError(
      'AuthenticationFailed',
      `${tlsFailureHeadline(tlsFailure.kind, host)} while ${step} ${displayUrl}: ${redactText(tlsFailure.cause, secrets)} (${tlsFailure.hint} of the GitRepository)`,
    );
  }
  if (step.startsWith('pushing') && pushRefused.test(stderr)) {
    const remote = stderr
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => /^remote:\s*\S/.test(line))
      .map((line) => line.replace(/^remote:\s*/, ''));
    const detail = redactText([...remote, lastGitLines(stderr)].join('; '), secrets);
    return new AutomationGitError(
      'AccessDenied',
      `${host} refused the push while ${step} ${displayUrl}: ${detail} (may the credentials in the GitRepository's spec.secretRef push to this branch?)`,
    );
  }
  const refused = authenticationFailureLine(stderr);
  if (refused) {
    const reason = step.startsWith('pushing') ? 'AccessDenied' : 'AuthenticationFailed';
    return new AutomationGitError(
      reason,
      `authentication to ${host} failed while ${step} ${displayUrl}: ${redactText(refused, secrets)} (check the credentials in the GitRepository's spec.secretRef)`,
    );
  }
  return new AutomationGitError(
    'GitOperationFailed',
    `${step} ${displayUrl} failed: ${redactText(lastGitLines(stderr), secrets)}`,
  );
}

function authorEnv(author: { name: string; email: string }): Record<string, string> {
  return {
    GIT_AUTHOR_NAME: author.name,
    GIT_AUTHOR_EMAIL: author.email,
    GIT_COMMITTER_NAME: author.name,
    GIT_COMMITTER_EMAIL: author.email,
  };
}

// Adds settings after those the transport already put in GIT_CONFIG_*.
function configEnv(transportEnv: Record<string, string>, extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  let count = Number(transportEnv.GIT_CONFIG_COUNT ?? 0);
  for (const [key, value] of Object.entries(extra)) {
    env[`GIT_CONFIG_KEY_${count}`] = key;
    env[`GIT_CONFIG_VALUE_${count}`] = value;
    count++;
  }
  env.GIT_CONFIG_COUNT = String(count);
  return env;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
