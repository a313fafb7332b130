// Flux's artifact revision strings: `<name>@<algorithm>:<hex>` or `<algorithm>:<hex>`, parsed and compared.

/** A revision split into its parts; `name` is the branch, tag or ref name (absent for a bare commit). */
export interface Revision {
  name?: string;
  algorithm: string;
  hash: string;
}

export class RevisionFormatError extends Error {
  readonly reason = 'InvalidRevision';
  constructor(revision: string, detail: string) {
    super(`invalid revision '${revision}': ${detail}`);
    this.name = 'RevisionFormatError';
  }
}

// Digest lengths in hex characters, as OCI digests name them.
const hexLengthByAlgorithm: Record<string, number> = { sha1: 40, sha256: 64, sha384: 96, sha512: 128 };
const hexPattern = /^[0-9a-f]+$/;
// Flux before v2.0 wrote `<branch>/<sha1>` and bare `<sha1>`; stored artifacts may still carry them.
const legacyNamedPattern = /^(.+)\/([0-9a-f]{40})$/;
const legacyBarePattern = /^[0-9a-f]{40}$/;

export function formatRevision(revision: Revision): string {
  const digest = `${revision.algorithm}:${revision.hash}`;
  return revision.name === undefined || revision.name === '' ? digest : `${revision.name}@${digest}`;
}

/** A commit revision as Flux writes it for Git: `main@sha1:<hex>`, or `sha1:<hex>` without a name. */
export function formatGitRevision(name: string | undefined, commit: string): string {
  const algorithm = commit.length === 64 ? 'sha256' : 'sha1';
  return formatRevision(name === undefined ? { algorithm, hash: commit } : { name, algorithm, hash: commit });
}

export function parseRevision(text: string): Revision {
  const legacy = parseLegacyRevision(text);
  if (legacy) return legacy;
  // The name may itself contain '@' (a branch called `a@b`), the digest never does.
  const at = text.lastIndexOf('@');
  const name = at === -1 ? undefined : text.slice(0, at);
  const digest = at === -1 ? text : text.slice(at + 1);
  if (name === '') throw new RevisionFormatError(text, 'empty name before "@"');
  const colon = digest.indexOf(':');
  if (colon === -1) throw new RevisionFormatError(text, 'expected "<algorithm>:<hex>" after the name');
  const algorithm = digest.slice(0, colon);
  const hash = digest.slice(colon + 1);
  const expectedLength = hexLengthByAlgorithm[algorithm];
  if (expectedLength === undefined) {
    throw new RevisionFormatError(
      text,
      `unknown digest algorithm '${algorithm}' (expected one of ${Object.keys(hexLengthByAlgorithm).join(', ')})`,
    );
  }
  if (hash.length !== expectedLength || !hexPattern.test(hash)) {
    throw new RevisionFormatError(
      text,
      `'${hash}' is not a ${expectedLength}-character lowercase hex ${algorithm} digest`,
    );
  }
  return name === undefined ? { algorithm, hash } : { name, algorithm, hash };
}

function parseLegacyRevision(text: string): Revision | undefined {
  if (legacyBarePattern.test(text)) return { algorithm: 'sha1', hash: text };
  const named = legacyNamedPattern.exec(text);
  if (named && !named[1]!.includes('@')) return { name: named[1]!, algorithm: 'sha1', hash: named[2]! };
  return undefined;
}

/** Rewrites any accepted form (including Flux v1's legacy `main/<sha1>`) into the current one. */
export function normalizeRevision(text: string): string {
  return formatRevision(parseRevision(text));
}

export function tryParseRevision(text: string): Revision | undefined {
  try {
    return parseRevision(text);
  } catch {
    return undefined;
  }
}

/** The commit or digest hex of a revision, e.g. for the artifact file name. */
export function revisionHash(text: string): string {
  return parseRevision(text).hash;
}

/**
 * Whether a stored artifact revision still describes what the remote has: same name and same digest.
 * A stored revision that no longer parses (or none at all) never matches, so the artifact is rebuilt.
 */
export function isSameRevision(stored: string | undefined, remote: string): boolean {
  if (stored === undefined || stored === '') return false;
  const a = tryParseRevision(stored);
  const b = tryParseRevision(remote);
  if (!a || !b) return false;
  return a.name === b.name && a.algorithm === b.algorithm && a.hash === b.hash;
}

/** Whether two revisions point at the same content, whatever branch or tag name they were reached by. */
export function isSameDigest(a: string, b: string): boolean {
  const left = tryParseRevision(a);
  const right = tryParseRevision(b);
  return left !== undefined && right !== undefined && left.algorithm === right.algorithm && left.hash === right.hash;
}
