// What every provider is: something that posts one event, and the error it fails with.
import type { Alert, Provider } from '@fluxion/api';
import type { FluxEvent } from '../flux-event.ts';

export interface Notifier {
  /** `alert` is the Alert that sent it (commitStatusExpr may read it). */
  post(event: FluxEvent, signal: AbortSignal, alert?: Alert): Promise<void>;
  /** Connections to let go of when the Provider changes or goes (NATS). */
  close?(): Promise<void>;
}

/**
 * A delivery that failed. `retryable` for timeouts, connection errors, 429 and 5xx; the message names the host and the
 * server's answer, never the path (a Slack or Discord webhook URL is a credential).
 */
export class DeliveryError extends Error {
  override readonly name = 'DeliveryError';
  readonly retryable: boolean;
  readonly status: number | undefined;

  constructor(message: string, options: { retryable: boolean; status?: number; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.retryable = options.retryable;
    this.status = options.status;
  }
}

/** The credentials and settings a Provider's Secrets give it, as Flux reads them. */
export interface ProviderSettings {
  type: string;
  /** The Provider's uid: commit statuses are keyed by it, so two Providers on one repository do not overwrite each other. */
  uid: string;
  address: string;
  channel: string;
  username: string;
  token: string;
  password: string;
  headers: Record<string, string>;
  proxy: string;
  timeoutMs: number;
  tls: { ca?: string; cert?: string; key?: string };
  /** spec.commitStatusExpr, compiled: the commit status id from `event`, `provider` and `alert`. */
  commitStatusExpr?: { source: string; evaluateString(variables: Record<string, unknown>): string };
  /** The Provider as the API serves it, the `provider` of commitStatusExpr. */
  provider?: Provider;
}
