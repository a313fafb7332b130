// Failures to reach or read a source, with Flux's reasons; messages name the host and ref, never a credential.

// Redaction lives with the git runner in the runtime; re-exported for the source kinds that import it from here.
export { redactText, redactUrl } from '@fluxion/runtime';

export type FetchFailureReason = 'GitOperationFailed' | 'AuthenticationFailed';

export class FetchError extends Error {
  readonly reason: FetchFailureReason;

  constructor(reason: FetchFailureReason, message: string) {
    super(message);
    this.name = 'FetchError';
    this.reason = reason;
  }
}
