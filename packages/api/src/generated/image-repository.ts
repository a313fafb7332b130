// Generated from crds/image.toolkit.fluxcd.io/imagerepositories.yaml by packages/api/scripts/generate-models.ts. Do not edit:
// change the CRD, then run `node packages/api/scripts/generate-models.ts`.
import type { V1ListMeta, V1ObjectMeta } from '@kubernetes/client-node';
import type { AccessFrom, Condition, LocalObjectReference } from './shared.ts';

/** ImageRepository names an image repository whose tags the controller lists at an interval. */
export interface ImageRepository {
  apiVersion: 'image.toolkit.fluxcd.io/v1';
  kind: 'ImageRepository';
  metadata?: V1ObjectMeta;
  /** Which image repository to scan, how often, and how to reach and authenticate to its registry. */
  spec?: ImageRepositorySpec;
  /**
   * What the last scan found.
   * @default {"observedGeneration":-1}
   */
  status?: ImageRepositoryStatus;
}

/** A page of ImageRepository objects, as the API server lists them. */
export interface ImageRepositoryList {
  apiVersion: 'image.toolkit.fluxcd.io/v1';
  kind: 'ImageRepositoryList';
  metadata?: V1ListMeta;
  items: ImageRepository[];
}

/** Which image repository to scan, how often, and how to reach and authenticate to its registry. */
export interface ImageRepositorySpec {
  /** The image repository without scheme or tag, such as ghcr.io/org/app or alpine; made canonical (docker.io/library/alpine) before scanning. */
  image: string;
  /**
   * How often the repository is scanned (approximate, jittered).
   * @pattern ^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$
   */
  interval: string;
  /**
   * Time limit for one scan, Secrets included; the interval when not set.
   * @pattern ^([0-9]+(\.[0-9]+)?(ms|s|m))+$
   */
  timeout?: string;
  /** Secret of type kubernetes.io/dockerconfigjson with the registry login. */
  secretRef?: LocalObjectReference;
  /**
   * ServiceAccount in this namespace whose imagePullSecrets are used to log in.
   * @maxLength 253
   */
  serviceAccountName?: string;
  /** Secret (Opaque or kubernetes.io/tls) with a CA certificate (ca.crt) and/or a client certificate and key (tls.crt, tls.key) for the registry. */
  certSecretRef?: LocalObjectReference;
  /** Secret with the proxy to reach the registry through (address; optional username, password). */
  proxySecretRef?: LocalObjectReference;
  /** Stops scanning until set back to false. */
  suspend?: boolean;
  /** Namespaces whose ImagePolicies may refer to this repository; its own namespace always may. */
  accessFrom?: AccessFrom;
  /**
   * Regular expressions; a tag matching any of them is left out of the scan result.
   * @default ["^.*\\.sig$"]
   * @maxItems 25
   */
  exclusionList?: string[];
  /**
   * How to log in to the registry; 'generic' uses secretRef or the ServiceAccount's pull secrets.
   * @default "generic"
   */
  provider?: 'generic' | 'aws' | 'azure' | 'gcp';
  /** Allows a registry over plain HTTP. */
  insecure?: boolean;
}

/** What the last scan found. */
export interface ImageRepositoryStatus {
  /**
   * The generation of the spec the status was computed from.
   * @format int64
   */
  observedGeneration?: number;
  /** Current state as conditions (Ready, Reconciling, Stalled). */
  conditions?: Condition[];
  /** The image with every implied part made explicit, such as docker.io/library/alpine. */
  canonicalImageName?: string;
  /** The outcome of the last scan that changed the tag list. */
  lastScanResult?: ScanResult;
  /** The exclusion list the last scan result was computed with. */
  observedExclusionList?: string[];
  /** The last reconcile.fluxcd.io/requestedAt annotation value the controller acted on. */
  lastHandledReconcileAt?: string;
}

/** The outcome of the last scan that changed the tag list. */
export interface ScanResult {
  /** Digest of the scanned tag list; equal lists have equal revisions. */
  revision?: string;
  /** Number of tags found, after the exclusion list. */
  tagCount: number;
  /**
   * When the tag list was scanned.
   * @format date-time
   */
  scanTime?: string;
  /** A few of the tags, highest first in reverse alphabetical order. */
  latestTags?: string[];
}
