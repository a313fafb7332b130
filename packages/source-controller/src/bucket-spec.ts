// Checks a Bucket's spec before any network call: what no retry can fix (a cloud provider, STS, a bad endpoint)
// is Stalled.
import type { BucketSpec } from '@fluxion/api';
import { duration } from './helmrepository-spec.ts';
import { SourceError } from './source-error.ts';

export interface BucketPlan {
  bucketName: string;
  /** `http(s)://host[:port]`. */
  endpoint: string;
  region: string;
  prefix: string | undefined;
  ignore: string | undefined;
  intervalMs: number;
  timeoutMs: number;
}

export function planBucket(spec: BucketSpec | undefined): BucketPlan {
  if (!spec) throw new SourceError('InvalidSpec', 'spec is missing', { stalled: true });
  const provider = spec.provider ?? 'generic';
  if (provider !== 'generic') {
    throw new SourceError(
      'InvalidProviderConfiguration',
      `spec.provider '${provider}' needs a cloud identity this controller does not support yet; use provider 'generic' with spec.secretRef (accesskey, secretkey)`,
      { stalled: true },
    );
  }
  if (spec.sts)
    throw new SourceError(
      'InvalidProviderConfiguration',
      'spec.sts is not supported by this controller yet: use spec.secretRef',
      { stalled: true },
    );
  if (spec.proxySecretRef)
    throw new SourceError(
      'InvalidProviderConfiguration',
      'spec.proxySecretRef is not supported for Buckets by this controller yet',
      { stalled: true },
    );
  if (!spec.bucketName) throw new SourceError('InvalidSpec', 'spec.bucketName is empty', { stalled: true });
  return {
    bucketName: spec.bucketName,
    endpoint: endpointUrl(spec.endpoint, spec.insecure ?? false),
    region: spec.region || 'us-east-1',
    prefix: spec.prefix || undefined,
    ignore: spec.ignore,
    intervalMs: duration(spec.interval, 'spec.interval'),
    timeoutMs: duration(spec.timeout ?? '60s', 'spec.timeout'),
  };
}

// host[:port] as Flux documents it; a scheme, when given, must agree with spec.insecure.
function endpointUrl(endpoint: string | undefined, insecure: boolean): string {
  if (!endpoint) throw new SourceError('InvalidSpec', 'spec.endpoint is empty', { stalled: true });
  const withScheme = /^[a-z]+:\/\//i.test(endpoint) ? endpoint : `${insecure ? 'http' : 'https'}://${endpoint}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new SourceError('URLInvalid', `spec.endpoint '${endpoint}' is not a host[:port]`, { stalled: true });
  }
  if (url.protocol === 'http:' && !insecure) {
    throw new SourceError(
      'URLInvalid',
      `spec.endpoint '${endpoint}' is plain HTTP: set spec.insecure: true to allow it`,
      { stalled: true },
    );
  }
  if (
    (url.protocol !== 'http:' && url.protocol !== 'https:') ||
    url.username ||
    url.password ||
    (url.pathname !== '/' && url.pathname !== '')
  ) {
    throw new SourceError(
      'URLInvalid',
      `spec.endpoint '${endpoint}' must be host[:port] (credentials go in spec.secretRef)`,
      { stalled: true },
    );
  }
  return `${url.protocol}//${url.host}`;
}
