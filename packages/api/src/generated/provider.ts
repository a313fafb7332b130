// Generated from crds/notification.toolkit.fluxcd.io/providers.yaml by packages/api/scripts/generate-models.ts. Do not edit:
// change the CRD, then run `node packages/api/scripts/generate-models.ts`.
import type { V1ListMeta, V1ObjectMeta } from '@kubernetes/client-node';
import type { LocalObjectReference } from './shared.ts';

/** Provider says how events are encoded and where they are sent. */
export interface Provider {
  apiVersion: 'notification.toolkit.fluxcd.io/v1beta3';
  kind: 'Provider';
  metadata?: V1ObjectMeta;
  /** The kind of endpoint, its address and credentials. */
  spec?: ProviderSpec;
}

/** A page of Provider objects, as the API server lists them. */
export interface ProviderList {
  apiVersion: 'notification.toolkit.fluxcd.io/v1beta3';
  kind: 'ProviderList';
  metadata?: V1ListMeta;
  items: Provider[];
}

/**
 * The kind of endpoint, its address and credentials.
 * Enforced by the API server: spec.commitStatusExpr is only supported for the commit status provider types
 */
export interface ProviderSpec {
  /** The kind of service the alerts are sent to. */
  type: 'slack' | 'discord' | 'msteams' | 'rocket' | 'generic' | 'generic-hmac' | 'github' | 'gitlab' | 'gitea' | 'bitbucketserver' | 'bitbucket' | 'azuredevops' | 'googlechat' | 'googlepubsub' | 'webex' | 'sentry' | 'azureeventhub' | 'telegram' | 'lark' | 'matrix' | 'opsgenie' | 'alertmanager' | 'grafana' | 'githubdispatch' | 'pagerduty' | 'datadog' | 'nats' | 'zulip' | 'otel';
  /**
   * Deprecated; not used.
   * @pattern ^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$
   */
  interval?: string;
  /**
   * The channel, room, subject or topic alerts are posted to, where the service has one.
   * @maxLength 2048
   */
  channel?: string;
  /**
   * The name alerts are posted as, where the service lets the sender choose.
   * @maxLength 2048
   */
  username?: string;
  /**
   * The endpoint alerts are sent to; for commit-status providers the Git repository URL.
   * @maxLength 2048
   */
  address?: string;
  /**
   * Time limit for one delivery to this provider.
   * @pattern ^([0-9]+(\.[0-9]+)?(ms|s|m))+$
   */
  timeout?: string;
  /**
   * Deprecated in favour of proxySecretRef; HTTP/S address of a proxy.
   * @pattern ^(http|https)://.*$
   * @maxLength 2048
   */
  proxy?: string;
  /** Secret with the proxy 'address', and optionally 'username' and 'password'. */
  proxySecretRef?: LocalObjectReference;
  /** Secret with the credentials ('token', 'username', 'password', 'headers') and optionally the 'address'. */
  secretRef?: LocalObjectReference;
  /** Secret with a CA certificate (ca.crt) and/or a client certificate and key (tls.crt, tls.key). */
  certSecretRef?: LocalObjectReference;
  /** ServiceAccount whose workload identity authenticates to the service, where supported. */
  serviceAccountName?: string;
  /** CEL expression computing the commit status key from event, alert and provider. */
  commitStatusExpr?: string;
  /** Stops sending alerts to this provider. */
  suspend?: boolean;
}
