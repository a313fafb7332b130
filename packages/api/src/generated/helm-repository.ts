// Generated from crds/source.toolkit.fluxcd.io/helmrepositories.yaml by packages/api/scripts/generate-models.ts. Do not edit:
// change the CRD, then run `node packages/api/scripts/generate-models.ts`.
import type { V1ListMeta, V1ObjectMeta } from '@kubernetes/client-node';
import type { AccessFrom, Artifact, Condition, LocalObjectReference } from './shared.ts';

/** HelmRepository points at a Helm chart repository. For an HTTP(S) repository its index is kept as an artifact; an OCI repository only gives HelmCharts the registry and credentials to pull from. */
export interface HelmRepository {
  apiVersion: 'source.toolkit.fluxcd.io/v1';
  kind: 'HelmRepository';
  metadata?: V1ObjectMeta;
  /** Where the repository is and how to authenticate to it. */
  spec?: HelmRepositorySpec;
  /**
   * What the controller last observed and produced.
   * @default {"observedGeneration":-1}
   */
  status?: HelmRepositoryStatus;
}

/** A page of HelmRepository objects, as the API server lists them. */
export interface HelmRepositoryList {
  apiVersion: 'source.toolkit.fluxcd.io/v1';
  kind: 'HelmRepositoryList';
  metadata?: V1ListMeta;
  items: HelmRepository[];
}

/** Where the repository is and how to authenticate to it. */
export interface HelmRepositorySpec {
  /**
   * Address of the repository, with scheme and host; oci:// when type is oci.
   * @pattern ^(http|https|oci)://.*$
   */
  url: string;
  /** Secret with the credentials: 'username' and 'password' for basic auth. TLS keys here (certFile, keyFile, caFile) are deprecated in favour of certSecretRef. */
  secretRef?: LocalObjectReference;
  /** Secret with a client certificate and key (tls.crt, tls.key) and/or a CA certificate (ca.crt); takes precedence over TLS keys in secretRef. */
  certSecretRef?: LocalObjectReference;
  /** Sends the secretRef credentials to chart hosts other than the repository's; beware of leaking them. */
  passCredentials?: boolean;
  /**
   * How often the index is fetched again (approximate, jittered).
   * @pattern ^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$
   */
  interval?: string;
  /** Allows an OCI registry over plain HTTP; only for type oci. */
  insecure?: boolean;
  /**
   * Time limit for fetching the index, or for OCI operations of the HelmCharts that use it; 60s when not set.
   * @pattern ^([0-9]+(\.[0-9]+)?(ms|s|m))+$
   */
  timeout?: string;
  /** Stops reconciliation until set back to false. */
  suspend?: boolean;
  /** Namespaces allowed to refer to this object (provisional in Flux, not enforced). */
  accessFrom?: AccessFrom;
  /** default for an HTTP(S) repository with an index; oci for an OCI registry (the url must then start with oci://). */
  type?: 'default' | 'oci';
  /**
   * How to authenticate to an OCI registry; only used with type oci.
   * @default "generic"
   */
  provider?: 'generic' | 'aws' | 'azure' | 'gcp';
}

/** What the controller last observed and produced. */
export interface HelmRepositoryStatus {
  /**
   * The generation of the spec the status was computed from.
   * @format int64
   */
  observedGeneration?: number;
  /** Current state as conditions (Ready, Reconciling, Stalled, ArtifactInStorage, ...). */
  conditions?: Condition[];
  /** The artifact of the last successful reconciliation. */
  artifact?: Artifact;
  /** Address to download the latest index artifact from; prefer artifact.url. */
  url?: string;
  /** The last reconcile.fluxcd.io/requestedAt annotation value the controller acted on. */
  lastHandledReconcileAt?: string;
}
