// Checks a HelmRepository's spec before any network call: what no retry can fix is Stalled.
import type { HelmRepositorySpec } from '@fluxion/api';
import { redactUrl } from './fetch-error.ts';
import { duration as positiveDuration, InvalidSpecError } from './gitrepository-spec.ts';
import { SourceError } from './source-error.ts';

export interface HelmRepositoryPlan {
  type: 'default' | 'oci';
  url: string;
  /** `<url>/index.yaml` for an HTTP(S) repository. */
  indexUrl: string;
  intervalMs: number | undefined;
  timeoutMs: number;
}

export const defaultHelmTimeoutMs = 60_000;

export function planHelmRepository(spec: HelmRepositorySpec | undefined): HelmRepositoryPlan {
  if (!spec?.url) throw new SourceError('URLInvalid', 'spec.url is empty', { stalled: true });
  const type = spec.type === 'oci' ? 'oci' : 'default';
  let parsed: URL;
  try {
    parsed = new URL(spec.url);
  } catch {
    throw new SourceError('URLInvalid', `spec.url '${redactUrl(spec.url)}' is not a valid URL`, { stalled: true });
  }
  if (type === 'oci' && parsed.protocol !== 'oci:') {
    throw new SourceError(
      'URLInvalid',
      `spec.url '${redactUrl(spec.url)}' must start with oci:// when spec.type is 'oci'`,
      { stalled: true },
    );
  }
  if (type === 'default' && parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new SourceError(
      'URLInvalid',
      `spec.url '${redactUrl(spec.url)}' has scheme '${parsed.protocol.slice(0, -1)}': an index repository needs http or https (set spec.type: oci for oci://)`,
      { stalled: true },
    );
  }
  if (parsed.username !== '' || parsed.password !== '') {
    throw new SourceError(
      'URLInvalid',
      `spec.url '${redactUrl(spec.url)}' carries credentials: put them in spec.secretRef instead`,
      { stalled: true },
    );
  }
  const url = spec.url.replace(/\/+$/, '');
  return {
    type,
    url,
    indexUrl: `${url}/index.yaml`,
    intervalMs: spec.interval ? duration(spec.interval, 'spec.interval') : undefined,
    timeoutMs: spec.timeout ? duration(spec.timeout, 'spec.timeout') : defaultHelmTimeoutMs,
  };
}

/** GitRepository's duration check, as a Stalled SourceError. */
export function duration(text: string, field: string): number {
  try {
    return positiveDuration(text, field);
  } catch (error) {
    if (error instanceof InvalidSpecError) throw new SourceError(error.reason, error.message, { stalled: true });
    throw error;
  }
}
