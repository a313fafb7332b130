// Generated from crds/notification.toolkit.fluxcd.io/receivers.yaml by packages/api/scripts/generate-models.ts. Do not edit:
// change the CRD, then run `node packages/api/scripts/generate-models.ts`.
import type { V1ListMeta, V1ObjectMeta } from '@kubernetes/client-node';
import type { Condition, CrossNamespaceObjectReference, LocalObjectReference } from './shared.ts';

/** Receiver serves a webhook that asks the listed objects to reconcile at once. */
export interface Receiver {
  apiVersion: 'notification.toolkit.fluxcd.io/v1';
  kind: 'Receiver';
  metadata?: V1ObjectMeta;
  /** The kind of sender, how calls are verified, and what they trigger. */
  spec?: ReceiverSpec;
  /**
   * What the controller last observed.
   * @default {"observedGeneration":-1}
   */
  status?: ReceiverStatus;
}

/** A page of Receiver objects, as the API server lists them. */
export interface ReceiverList {
  apiVersion: 'notification.toolkit.fluxcd.io/v1';
  kind: 'ReceiverList';
  metadata?: V1ListMeta;
  items: Receiver[];
}

/** The kind of sender, how calls are verified, and what they trigger. */
export interface ReceiverSpec {
  /** The sender, which decides how a call is verified and which events it carries. */
  type: 'generic' | 'generic-hmac' | 'github' | 'gitlab' | 'bitbucket' | 'harbor' | 'dockerhub' | 'quay' | 'gcr' | 'nexus' | 'acr' | 'cdevents';
  /**
   * How often the Receiver is reconciled (its webhook path recomputed).
   * @default "10m"
   * @pattern ^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$
   */
  interval?: string;
  /** Event types that trigger a reconcile (e.g. GitHub's push); all when empty. */
  events?: string[];
  /** The objects a valid call asks to reconcile. */
  resources: CrossNamespaceObjectReference[];
  /** CEL expression over the request body choosing which resources are triggered. */
  resourceFilter?: string;
  /** Secret whose 'token' key makes the webhook path and verifies the calls. */
  secretRef: LocalObjectReference;
  /** Stops serving the webhook; calls are answered 503 and trigger nothing. */
  suspend?: boolean;
}

/** What the controller last observed. */
export interface ReceiverStatus {
  /**
   * The generation of the spec the status was computed from.
   * @format int64
   */
  observedGeneration?: number;
  /** Current state as conditions (Ready). */
  conditions?: Condition[];
  /** The path the webhook is served at, /hook/<sha256 of token, name and namespace>. */
  webhookPath?: string;
  /** The last reconcile.fluxcd.io/requestedAt value handled. */
  lastHandledReconcileAt?: string;
}
