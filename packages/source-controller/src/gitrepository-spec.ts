// Checks a GitRepository's spec before any network call: what no retry can fix becomes a Stalled reason.
import type { GitRepositoryInclude, GitRepositorySpec } from '@fluxion/api';
import { parseGoDuration } from '@fluxion/runtime';
import { redactUrl } from '@fluxion/runtime';
import type { GitRepositoryRef } from './git-ref.ts';
import type { VerifyMode } from './git-verify.ts';

export const defaultGitTimeout = '60s';

/** A spec the controller cannot act on until a person edits it. */
export class InvalidSpecError extends Error {
  readonly reason: string;
  constructor(reason: string, message: string) {
    super(message);
    this.name = 'InvalidSpecError';
    this.reason = reason;
  }
}

export interface GitRepositoryPlan {
  url: string;
  intervalMs: number;
  timeoutMs: number;
  ref: GitRepositoryRef | undefined;
  ignore: string | undefined;
  include: GitRepositoryInclude[];
  recurseSubmodules: boolean;
  sparseCheckout: string[] | undefined;
  /** `spec.verify`, with the older `head` spelling normalized. */
  verify: { mode: VerifyMode; secretName: string } | undefined;
}

const cloudProviders: Record<string, string> = {
  azure: 'Azure workload identity',
  github: 'GitHub App installation tokens',
  aws: 'AWS CodeCommit IAM credentials',
};

export function validateGitRepositorySpec(spec: GitRepositorySpec | undefined): GitRepositoryPlan {
  if (!spec) throw new InvalidSpecError('InvalidSpec', 'spec is missing');
  const url = validateUrl(spec.url);
  const provider = spec.provider ?? 'generic';
  if (provider !== 'generic') {
    throw new InvalidSpecError(
      'InvalidProviderConfiguration',
      `spec.provider '${provider}' needs ${cloudProviders[provider] ?? 'a cloud identity'}, which this controller does not support; use provider 'generic' with spec.secretRef`,
    );
  }
  const include = spec.include ?? [];
  for (const [index, entry] of include.entries()) {
    for (const [field, value] of [
      ['fromPath', entry.fromPath],
      ['toPath', entry.toPath],
    ] as const) {
      if (value !== undefined && escapesRoot(value)) {
        throw new InvalidSpecError(
          'InvalidPath',
          `spec.include[${index}].${field} '${value}' must stay inside the artifact (no '..' segments)`,
        );
      }
    }
  }
  return {
    url,
    intervalMs: duration(spec.interval, 'spec.interval'),
    timeoutMs: duration(spec.timeout ?? defaultGitTimeout, 'spec.timeout'),
    ref: spec.ref,
    ignore: spec.ignore,
    include,
    recurseSubmodules: spec.recurseSubmodules ?? false,
    sparseCheckout: spec.sparseCheckout && spec.sparseCheckout.length > 0 ? spec.sparseCheckout : undefined,
    verify: spec.verify
      ? {
          mode: spec.verify.mode === 'head' || !spec.verify.mode ? 'HEAD' : spec.verify.mode,
          secretName: spec.verify.secretRef.name,
        }
      : undefined,
  };
}

function validateUrl(url: string | undefined): string {
  if (!url) throw new InvalidSpecError('URLInvalid', 'spec.url is empty');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InvalidSpecError('URLInvalid', `spec.url '${redactUrl(url)}' is not a valid URL`);
  }
  if (!['http:', 'https:', 'ssh:'].includes(parsed.protocol)) {
    throw new InvalidSpecError(
      'URLInvalid',
      `spec.url '${redactUrl(url)}' has scheme '${parsed.protocol.slice(0, -1)}': only http, https and ssh are supported`,
    );
  }
  if (parsed.hostname === '') throw new InvalidSpecError('URLInvalid', `spec.url '${redactUrl(url)}' has no host`);
  return url;
}

/** A positive Go duration from a spec field, or an InvalidSpecError naming the field. */
export function duration(text: string | undefined, field: string): number {
  try {
    const ms = parseGoDuration(text ?? '');
    if (ms <= 0) throw new Error('not positive');
    return ms;
  } catch {
    throw new InvalidSpecError('InvalidSpec', `${field} '${text ?? ''}' is not a positive duration such as 1m or 30s`);
  }
}

function escapesRoot(path: string): boolean {
  return path.split(/[/\\]/).includes('..');
}
