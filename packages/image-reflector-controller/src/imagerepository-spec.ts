// Checks an ImageRepository's spec before any network call: what no retry can fix is a Stalled reason.
import { type ImageRepositorySpec, ImageReason } from '@fluxion/api';
import { DurationError, parseGoDuration } from '@fluxion/runtime';
import { compileExclusionList, type ExclusionList } from './exclusion-list.ts';
import { ImageError } from './image-error.ts';
import { type ImageReference, parseImageReference } from './image-reference.ts';

export interface ImageRepositoryPlan {
  image: ImageReference;
  intervalMs: number;
  timeoutMs: number;
  exclusionList: ExclusionList;
  secretName: string | undefined;
  serviceAccountName: string | undefined;
  certSecretName: string | undefined;
  proxySecretName: string | undefined;
  insecure: boolean;
}

const cloudProviders: Record<string, string> = {
  aws: 'Amazon ECR credentials from IAM',
  azure: 'Azure Container Registry credentials from workload identity',
  gcp: 'Google Artifact Registry credentials from workload identity',
};

export function planImageRepository(spec: ImageRepositorySpec | undefined): ImageRepositoryPlan {
  if (!spec) throw new ImageError(ImageReason.Failure, 'spec is missing', { stalled: true });
  const provider = spec.provider ?? 'generic';
  if (provider !== 'generic') {
    throw new ImageError(
      'InvalidProvider',
      `spec.provider '${provider}' (${cloudProviders[provider] ?? 'a cloud identity'}) is not supported yet: ` +
        "use provider 'generic' with spec.secretRef or spec.serviceAccountName",
      { stalled: true },
    );
  }
  const intervalMs = duration(spec.interval, 'spec.interval');
  // Flux: the timeout defaults to the interval, and is never under a second.
  const timeoutMs = Math.max(1_000, spec.timeout === undefined ? intervalMs : duration(spec.timeout, 'spec.timeout'));
  return {
    image: parseImageReference(spec.image),
    intervalMs,
    timeoutMs,
    exclusionList: compileExclusionList(spec.exclusionList),
    secretName: spec.secretRef?.name,
    serviceAccountName: spec.serviceAccountName || undefined,
    certSecretName: spec.certSecretRef?.name,
    proxySecretName: spec.proxySecretRef?.name,
    insecure: spec.insecure ?? false,
  };
}

function duration(text: string, field: string): number {
  try {
    const value = parseGoDuration(text);
    if (value <= 0 && field === 'spec.interval') throw new DurationError(text);
    return value;
  } catch (error) {
    if (!(error instanceof DurationError)) throw error;
    throw new ImageError(ImageReason.Failure, `${field}: ${error.message}`, { stalled: true });
  }
}
