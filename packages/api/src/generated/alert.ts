// Generated from crds/notification.toolkit.fluxcd.io/alerts.yaml by packages/api/scripts/generate-models.ts. Do not edit:
// change the CRD, then run `node packages/api/scripts/generate-models.ts`.
import type { V1ListMeta, V1ObjectMeta } from '@kubernetes/client-node';
import type { CrossNamespaceObjectReference, LocalObjectReference } from './shared.ts';

/** Alert picks events by the object they are about and their severity, and sends them to a Provider. */
export interface Alert {
  apiVersion: 'notification.toolkit.fluxcd.io/v1beta3';
  kind: 'Alert';
  metadata?: V1ObjectMeta;
  /** The event sources, filters and the Provider to send to. */
  spec?: AlertSpec;
}

/** A page of Alert objects, as the API server lists them. */
export interface AlertList {
  apiVersion: 'notification.toolkit.fluxcd.io/v1beta3';
  kind: 'AlertList';
  metadata?: V1ListMeta;
  items: Alert[];
}

/** The event sources, filters and the Provider to send to. */
export interface AlertSpec {
  /** The Provider, in the Alert's namespace, that events are sent to. */
  providerRef: LocalObjectReference;
  /**
   * Deprecated in favour of eventMetadata; a short text added to every alert as 'summary'.
   * @maxLength 255
   */
  summary?: string;
  /**
   * The lowest severity sent; info sends both info and error events.
   * @default "info"
   */
  eventSeverity?: 'info' | 'error';
  /** The objects whose events are sent. */
  eventSources: CrossNamespaceObjectReference[];
  /** Metadata added to every alert; keys the event already has are not overridden. */
  eventMetadata?: Record<string, string>;
  /** Regular expressions; when set, only events whose message matches one are sent. */
  inclusionList?: string[];
  /** Regular expressions; events whose message matches one are not sent. */
  exclusionList?: string[];
  /** Stops sending alerts for this Alert. */
  suspend?: boolean;
}
