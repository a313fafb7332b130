// Generated from crds/source.toolkit.fluxcd.io/helmcharts.yaml by packages/api/scripts/generate-models.ts. Do not edit:
// change the CRD, then run `node packages/api/scripts/generate-models.ts`.
import type { V1ListMeta, V1ObjectMeta } from '@kubernetes/client-node';
import type { Artifact, Condition, LocalObjectReference, OIDCIdentityMatch } from './shared.ts';

/** HelmChart makes one version of a Helm chart available in the cluster as a packaged chart artifact. */
export interface HelmChart {
  apiVersion: 'source.toolkit.fluxcd.io/v1';
  kind: 'HelmChart';
  metadata?: V1ObjectMeta;
  /** Which chart, which version, and from which source. */
  spec?: HelmChartSpec;
  /**
   * What the controller last observed and produced.
   * @default {"observedGeneration":-1}
   */
  status?: HelmChartStatus;
}

/** A page of HelmChart objects, as the API server lists them. */
export interface HelmChartList {
  apiVersion: 'source.toolkit.fluxcd.io/v1';
  kind: 'HelmChartList';
  metadata?: V1ListMeta;
  items: HelmChart[];
}

/**
 * Which chart, which version, and from which source.
 * Enforced by the API server: spec.verify can only be set when spec.sourceRef.kind is HelmRepository
 */
export interface HelmChartSpec {
  /** Name of the chart in a HelmRepository, or its path in a GitRepository or Bucket artifact. */
  chart: string;
  /**
   * Semantic version range of the chart; only for HelmRepository sources. The latest version when '*'.
   * @default "*"
   */
  version?: string;
  /** The source in this namespace the chart comes from. */
  sourceRef: LocalHelmChartSourceReference;
  /**
   * How often the source is checked for a new chart (approximate, jittered).
   * @pattern ^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$
   */
  interval: string;
  /**
   * What makes a new artifact: ChartVersion, a new chart version; Revision, a new source revision (for charts from Git or a Bucket).
   * @default "ChartVersion"
   */
  reconcileStrategy?: 'ChartVersion' | 'Revision';
  /** Values files in the source, merged in order (later wins), that replace the chart's values.yaml. */
  valuesFiles?: string[];
  /** Skips listed values files that do not exist instead of failing. */
  ignoreMissingValuesFiles?: boolean;
  /** Stops reconciliation until set back to false. */
  suspend?: boolean;
  /** Signature verification of the chart; only for OCI HelmRepository sources. */
  verify?: HelmChartVerification;
}

/** The source in this namespace the chart comes from. */
export interface LocalHelmChartSourceReference {
  /** API version of the referent. */
  apiVersion?: string;
  /** Kind of the referent. */
  kind: 'HelmRepository' | 'GitRepository' | 'Bucket';
  /** Name of the referent. */
  name: string;
}

/** Signature verification of the chart; only for OCI HelmRepository sources. */
export interface HelmChartVerification {
  /**
   * The signing technology.
   * @default "cosign"
   */
  provider: 'cosign' | 'notation';
  /** Secret with the trusted public keys. */
  secretRef?: LocalObjectReference;
  /** For keyless cosign signatures, the identities to accept; any match is enough. */
  matchOIDCIdentity?: OIDCIdentityMatch[];
}

/** What the controller last observed and produced. */
export interface HelmChartStatus {
  /**
   * The generation of the spec the status was computed from.
   * @format int64
   */
  observedGeneration?: number;
  /** Artifact revision of the source when the chart was last built. */
  observedSourceArtifactRevision?: string;
  /** Chart name the reference last resolved to. */
  observedChartName?: string;
  /** Values files of the last successful build. */
  observedValuesFiles?: string[];
  /** Current state as conditions (Ready, Reconciling, Stalled, ArtifactInStorage, ...). */
  conditions?: Condition[];
  /** The artifact of the last successful reconciliation. */
  artifact?: Artifact;
  /** Address to download the latest chart artifact from; prefer artifact.url. */
  url?: string;
  /** The last reconcile.fluxcd.io/requestedAt annotation value the controller acted on. */
  lastHandledReconcileAt?: string;
}
