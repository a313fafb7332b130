// Checks an OCIRepository's spec before any registry call: what no retry can fix becomes a Stalled reason.
import type { OCIRepositorySpec } from '@fluxion/api';
import { parseImageReference, RegistryError, type ImageReference } from '@fluxion/runtime';
import { duration, InvalidSpecError } from './gitrepository-spec.ts';
import { parseSemVerRange, SemVerRangeError, type SemVerRange } from '@fluxion/runtime';

export const defaultOciTimeout = '60s';

/** Which manifest to pull: a tag, the highest tag in a semver range, or a pinned digest. */
export type OciRefRequest =
  | { kind: 'tag'; tag: string }
  | { kind: 'semver'; range: SemVerRange; source: string; filter: RegExp | undefined }
  | { kind: 'digest'; digest: string };

export interface OCIRepositoryPlan {
  url: string;
  image: ImageReference;
  ref: OciRefRequest;
  layerSelector: { mediaType: string | undefined; operation: 'extract' | 'copy' } | undefined;
  secretName: string | undefined;
  serviceAccountName: string | undefined;
  certSecretName: string | undefined;
  proxySecretName: string | undefined;
  insecure: boolean;
  ignore: string | undefined;
  intervalMs: number;
  timeoutMs: number;
}

export function validateOCIRepositorySpec(spec: OCIRepositorySpec | undefined): OCIRepositoryPlan {
  if (!spec) throw new InvalidSpecError('InvalidSpec', 'spec is missing');
  if (!spec.url?.startsWith('oci://'))
    throw new InvalidSpecError('URLInvalid', `spec.url '${spec.url ?? ''}' must start with oci://`);
  let image: ImageReference;
  try {
    image = parseImageReference(spec.url);
  } catch (error) {
    if (error instanceof RegistryError) throw new InvalidSpecError('URLInvalid', `spec.url: ${error.message}`);
    throw error;
  }
  if (image.tag || image.digest) {
    throw new InvalidSpecError(
      'URLInvalid',
      `spec.url '${spec.url}' must name a repository only; put the tag or digest in spec.ref`,
    );
  }
  const provider = spec.provider ?? 'generic';
  if (provider !== 'generic') {
    throw new InvalidSpecError(
      'InvalidProviderConfiguration',
      `spec.provider '${provider}' (cloud workload identity) is not supported yet; use provider 'generic' with spec.secretRef or spec.serviceAccountName`,
    );
  }
  if (spec.verify) {
    // Never pull an artifact unverified when the user asked for verification.
    throw new InvalidSpecError(
      'VerificationError',
      `spec.verify (provider '${spec.verify.provider ?? 'cosign'}') is not supported yet: signature verification is not built, so the artifact is not pulled; remove spec.verify to pull unverified`,
    );
  }
  const operation = spec.layerSelector?.operation ?? 'extract';
  if (operation !== 'extract' && operation !== 'copy') {
    throw new InvalidSpecError(
      'InvalidSpec',
      `spec.layerSelector.operation '${String(operation)}' must be extract or copy`,
    );
  }
  return {
    url: spec.url,
    image,
    ref: refRequest(spec),
    layerSelector: spec.layerSelector ? { mediaType: spec.layerSelector.mediaType || undefined, operation } : undefined,
    secretName: spec.secretRef?.name || undefined,
    serviceAccountName: spec.serviceAccountName || undefined,
    certSecretName: spec.certSecretRef?.name || undefined,
    proxySecretName: spec.proxySecretRef?.name || undefined,
    insecure: spec.insecure ?? false,
    ignore: spec.ignore,
    intervalMs: duration(spec.interval, 'spec.interval'),
    timeoutMs: duration(spec.timeout ?? defaultOciTimeout, 'spec.timeout'),
  };
}

// Flux's precedence: digest, then semver, then tag, then 'latest'.
function refRequest(spec: OCIRepositorySpec): OciRefRequest {
  const ref = spec.ref ?? {};
  if (ref.digest) {
    if (!/^sha256:[a-f0-9]{64}$/.test(ref.digest))
      throw new InvalidSpecError('InvalidSpec', `spec.ref.digest '${ref.digest}' is not sha256:<64 hex>`);
    return { kind: 'digest', digest: ref.digest };
  }
  if (ref.semver) {
    let range: SemVerRange;
    try {
      range = parseSemVerRange(ref.semver);
    } catch (error) {
      if (error instanceof SemVerRangeError)
        throw new InvalidSpecError('InvalidSpec', `spec.ref.semver: ${error.message}`);
      throw error;
    }
    let filter: RegExp | undefined;
    if (ref.semverFilter) {
      try {
        filter = new RegExp(ref.semverFilter);
      } catch {
        throw new InvalidSpecError(
          'InvalidSpec',
          `spec.ref.semverFilter '${ref.semverFilter}' is not a valid regular expression`,
        );
      }
    }
    return { kind: 'semver', range, source: ref.semver, filter };
  }
  return { kind: 'tag', tag: ref.tag || 'latest' };
}
