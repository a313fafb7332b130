// Generated from crds/source.toolkit.fluxcd.io/buckets.yaml by packages/api/scripts/generate-models.ts. Do not edit:
// change the CRD, then run `node packages/api/scripts/generate-models.ts`.
import type { V1ListMeta, V1ObjectMeta } from '@kubernetes/client-node';
import type { Artifact, Condition, LocalObjectReference } from './shared.ts';

/** Bucket makes the objects of an object storage bucket available in the cluster as an artifact. */
export interface Bucket {
  apiVersion: 'source.toolkit.fluxcd.io/v1';
  kind: 'Bucket';
  metadata?: V1ObjectMeta;
  /** Which bucket to fetch, how often, and how to authenticate. */
  spec?: BucketSpec;
  /**
   * What the controller last observed and produced.
   * @default {"observedGeneration":-1}
   */
  status?: BucketStatus;
}

/** A page of Bucket objects, as the API server lists them. */
export interface BucketList {
  apiVersion: 'source.toolkit.fluxcd.io/v1';
  kind: 'BucketList';
  metadata?: V1ListMeta;
  items: Bucket[];
}

/**
 * Which bucket to fetch, how often, and how to authenticate.
 * Enforced by the API server: STS configuration is only supported for the 'aws' and 'generic' Bucket providers
 * Enforced by the API server: 'aws' is the only supported STS provider for the 'aws' Bucket provider
 * Enforced by the API server: 'ldap' is the only supported STS provider for the 'generic' Bucket provider
 * Enforced by the API server: spec.sts.secretRef is not required for the 'aws' STS provider
 * Enforced by the API server: spec.sts.certSecretRef is not required for the 'aws' STS provider
 * Enforced by the API server: ServiceAccountName is not supported for the 'generic' Bucket provider
 * Enforced by the API server: cannot set both .spec.secretRef and .spec.serviceAccountName
 */
export interface BucketSpec {
  /**
   * The object storage API; generic is any S3-compatible storage.
   * @default "generic"
   */
  provider?: 'generic' | 'aws' | 'gcp' | 'azure';
  /** Name of the bucket. */
  bucketName: string;
  /** Address of the object storage service, host[:port] (or a URL for azure). */
  endpoint: string;
  /** A Security Token Service to get temporary credentials from; only for the aws and generic providers. */
  sts?: BucketSTSSpec;
  /** Allows an endpoint over plain HTTP. */
  insecure?: boolean;
  /** Region of the bucket. */
  region?: string;
  /** Only objects whose keys start with this prefix are fetched (filtered by the server). */
  prefix?: string;
  /** Secret with the credentials for the bucket. */
  secretRef?: LocalObjectReference;
  /** ServiceAccount whose workload identity authenticates to the bucket; only for the gcp and aws providers. */
  serviceAccountName?: string;
  /** Secret with a client certificate and key (tls.crt, tls.key) and/or a CA certificate (ca.crt); only for the generic provider. */
  certSecretRef?: LocalObjectReference;
  /** Secret with the proxy settings to reach the bucket through. */
  proxySecretRef?: LocalObjectReference;
  /**
   * How often the bucket is checked for changes (approximate, jittered).
   * @pattern ^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$
   */
  interval: string;
  /**
   * Time limit for fetch operations.
   * @default "60s"
   * @pattern ^([0-9]+(\.[0-9]+)?(ms|s|m))+$
   */
  timeout?: string;
  /** Exclusion patterns in .sourceignore (gitignore) syntax; replaces the default set. */
  ignore?: string;
  /** Stops reconciliation until set back to false. */
  suspend?: boolean;
}

/** A Security Token Service to get temporary credentials from; only for the aws and generic providers. */
export interface BucketSTSSpec {
  /** The kind of Security Token Service. */
  provider: 'aws' | 'ldap';
  /**
   * HTTP(S) address of the Security Token Service.
   * @pattern ^(http|https)://.*$
   */
  endpoint: string;
  /** Secret with 'username' and 'password' for the STS; only for the ldap provider. */
  secretRef?: LocalObjectReference;
  /** Secret with a client certificate and key (tls.crt, tls.key) and/or a CA certificate (ca.crt) for the STS; only for ldap. */
  certSecretRef?: LocalObjectReference;
}

/** What the controller last observed and produced. */
export interface BucketStatus {
  /**
   * The generation of the spec the status was computed from.
   * @format int64
   */
  observedGeneration?: number;
  /** Current state as conditions (Ready, Reconciling, Stalled, ArtifactInStorage, ...). */
  conditions?: Condition[];
  /** The artifact of the last successful reconciliation. */
  artifact?: Artifact;
  /** Address to download the latest artifact from; prefer artifact.url. */
  url?: string;
  /** The ignore patterns the current artifact was built with. */
  observedIgnore?: string;
  /** The last reconcile.fluxcd.io/requestedAt annotation value the controller acted on. */
  lastHandledReconcileAt?: string;
}
