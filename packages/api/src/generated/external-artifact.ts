// Generated from crds/source.toolkit.fluxcd.io/externalartifacts.yaml by packages/api/scripts/generate-models.ts. Do not edit:
// change the CRD, then run `node packages/api/scripts/generate-models.ts`.
import type { V1ListMeta, V1ObjectMeta } from '@kubernetes/client-node';
import type { Artifact, Condition } from './shared.ts';

/** ExternalArtifact is an artifact published by another tool (its producer writes the status), consumed like a source's artifact. */
export interface ExternalArtifact {
  apiVersion: 'source.toolkit.fluxcd.io/v1';
  kind: 'ExternalArtifact';
  metadata?: V1ObjectMeta;
  /** Which object the artifact was produced from, if any. */
  spec?: ExternalArtifactSpec;
  /** What the producer last published. */
  status?: ExternalArtifactStatus;
}

/** A page of ExternalArtifact objects, as the API server lists them. */
export interface ExternalArtifactList {
  apiVersion: 'source.toolkit.fluxcd.io/v1';
  kind: 'ExternalArtifactList';
  metadata?: V1ListMeta;
  items: ExternalArtifact[];
}

/** Which object the artifact was produced from, if any. */
export interface ExternalArtifactSpec {
  /** The object the producer generated this artifact from. */
  sourceRef?: ExternalArtifactSourceReference;
}

/** The object the producer generated this artifact from. */
export interface ExternalArtifactSourceReference {
  /** API version of the referent. */
  apiVersion?: string;
  /** Kind of the referent. */
  kind: string;
  /**
   * Name of the referent.
   * @minLength 1
   * @maxLength 253
   */
  name: string;
  /**
   * Namespace of the referent; the ExternalArtifact's own when not set.
   * @minLength 1
   * @maxLength 63
   */
  namespace?: string;
}

/** What the producer last published. */
export interface ExternalArtifactStatus {
  /** Current state as conditions (Ready, Reconciling, Stalled, ArtifactInStorage, ...). */
  conditions?: Condition[];
  /** The artifact of the last successful reconciliation. */
  artifact?: Artifact;
}
