// Which Git reference a GitRepository asks for, and what it resolves to on the remote (from `git ls-remote`).
import type { GitRepositoryRef } from '@fluxion/api';
import { highestSatisfyingTag, parseSemVerRange, SemVerRangeError } from '@fluxion/runtime';
import { FetchError } from './fetch-error.ts';
import { formatGitRevision } from './revision.ts';

/** `spec.ref` of a GitRepository, as the CRD defines it. */
export type { GitRepositoryRef };

export type GitRefRequest =
  | { kind: 'commit'; commit: string; branch?: string }
  | { kind: 'name'; name: string }
  | { kind: 'semver'; range: string }
  | { kind: 'tag'; tag: string }
  | { kind: 'branch'; branch: string };

/** Flux's default when `spec.ref` is absent or empty. */
export const defaultBranch = 'master';

/** Applies Flux's precedence: commit > name > semver > tag > branch. */
export function refRequestFromSpec(ref: GitRepositoryRef | undefined): GitRefRequest {
  if (ref?.commit)
    return ref.branch
      ? { kind: 'commit', commit: ref.commit, branch: ref.branch }
      : { kind: 'commit', commit: ref.commit };
  if (ref?.name) return { kind: 'name', name: ref.name };
  if (ref?.semver) return { kind: 'semver', range: ref.semver };
  if (ref?.tag) return { kind: 'tag', tag: ref.tag };
  return { kind: 'branch', branch: ref?.branch || defaultBranch };
}

export function describeRefRequest(request: GitRefRequest): string {
  switch (request.kind) {
    case 'commit':
      return request.branch ? `commit '${request.commit}' on branch '${request.branch}'` : `commit '${request.commit}'`;
    case 'name':
      return `ref '${request.name}'`;
    case 'semver':
      return `semver range '${request.range}'`;
    case 'tag':
      return `tag '${request.tag}'`;
    case 'branch':
      return `branch '${request.branch}'`;
  }
}

/** Full ref name → commit it points to (annotated tags peeled to their commit). */
export type RemoteRefs = Map<string, string>;

export function parseLsRemote(output: string): RemoteRefs {
  const refs: RemoteRefs = new Map();
  const peeled = new Map<string, string>();
  for (const line of output.split('\n')) {
    const match = /^([0-9a-f]{40}|[0-9a-f]{64})\t(.+)$/.exec(line.trim());
    if (!match) continue;
    const [, hash, name] = match as unknown as [string, string, string];
    if (name.endsWith('^{}')) peeled.set(name.slice(0, -3), hash);
    else refs.set(name, hash);
  }
  for (const [name, commit] of peeled) refs.set(name, commit);
  return refs;
}

/** What to fetch and which revision it will be. */
export interface ResolvedRemoteRef {
  /** The name the revision carries: branch, tag (the one semver picked), ref name; undefined for a bare commit. */
  name: string | undefined;
  /** The artifact revision, e.g. `main@sha1:<hex>`; '' when the commit is abbreviated and known only after a fetch. */
  revision: string;
  /** The commit the checkout must end on; undefined when only a fetch can tell (an abbreviated commit). */
  commit: string | undefined;
  /** The remote ref to fetch; undefined to fetch the commit itself. */
  fetchRef: string | undefined;
}

const fullCommitPattern = /^([0-9a-f]{40}|[0-9a-f]{64})$/;

/** Resolves the request against the remote's refs; throws a FetchError naming the ref and the (redacted) URL. */
export function resolveRemoteRef(request: GitRefRequest, refs: RemoteRefs, displayUrl: string): ResolvedRemoteRef {
  const notFound = (what: string) => new FetchError('GitOperationFailed', `${what} not found on ${displayUrl}`);
  switch (request.kind) {
    case 'branch': {
      const commit = refs.get(`refs/heads/${request.branch}`);
      if (!commit) throw notFound(`branch '${request.branch}'`);
      return {
        name: request.branch,
        revision: formatGitRevision(request.branch, commit),
        commit,
        fetchRef: `refs/heads/${request.branch}`,
      };
    }
    case 'tag': {
      const commit = refs.get(`refs/tags/${request.tag}`);
      if (!commit) throw notFound(`tag '${request.tag}'`);
      return {
        name: request.tag,
        revision: formatGitRevision(request.tag, commit),
        commit,
        fetchRef: `refs/tags/${request.tag}`,
      };
    }
    case 'name': {
      const commit = refs.get(request.name);
      if (!commit) throw notFound(`ref '${request.name}'`);
      return { name: request.name, revision: formatGitRevision(request.name, commit), commit, fetchRef: request.name };
    }
    case 'semver': {
      let range;
      try {
        range = parseSemVerRange(request.range);
      } catch (error) {
        if (error instanceof SemVerRangeError)
          throw new FetchError('GitOperationFailed', `${error.message} (spec.ref.semver)`);
        throw error;
      }
      const tags = [...refs.keys()]
        .filter((name) => name.startsWith('refs/tags/'))
        .map((name) => name.slice('refs/tags/'.length));
      const best = highestSatisfyingTag(tags, range);
      if (!best)
        throw new FetchError('GitOperationFailed', `no tag on ${displayUrl} matches semver range '${request.range}'`);
      const commit = refs.get(`refs/tags/${best.tag}`)!;
      return {
        name: best.tag,
        revision: formatGitRevision(best.tag, commit),
        commit,
        fetchRef: `refs/tags/${best.tag}`,
      };
    }
    case 'commit': {
      const commit = request.commit.toLowerCase();
      if (!/^[0-9a-f]{4,64}$/.test(commit))
        throw new FetchError(
          'GitOperationFailed',
          `commit '${request.commit}' is not a hexadecimal commit id (spec.ref.commit)`,
        );
      const full = fullCommitPattern.test(commit) ? commit : undefined;
      if (request.branch !== undefined) {
        if (!refs.has(`refs/heads/${request.branch}`)) throw notFound(`branch '${request.branch}'`);
        return {
          name: request.branch,
          revision: full ? formatGitRevision(request.branch, full) : '',
          commit: full,
          fetchRef: `refs/heads/${request.branch}`,
        };
      }
      return {
        name: undefined,
        revision: full ? formatGitRevision(undefined, full) : '',
        commit: full,
        fetchRef: undefined,
      };
    }
  }
}
