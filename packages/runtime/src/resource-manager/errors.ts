// Errors of the resource manager, each with the Flux condition reason a controller should report.
import type { ChangeSet } from './change-set.ts';

/** One object the API server refused, with its own message. */
export interface RejectedObject {
  subject: string;
  message: string;
}

/** A stage's dry-run failed: nothing of that stage was written. `changeSet` holds what earlier stages did. */
export class ApplyValidationError extends Error {
  override readonly name = 'ApplyValidationError';
  readonly reason = 'ReconciliationFailed';
  readonly rejected: RejectedObject[];
  readonly changeSet: ChangeSet;
  constructor(rejected: RejectedObject[], changeSet: ChangeSet) {
    super(rejected.map((entry) => `${entry.subject} dry-run failed: ${entry.message}`).join('\n'));
    this.rejected = rejected;
    this.changeSet = changeSet;
  }
}

/** A write after a successful dry-run failed (a race, a webhook, the server went away). */
export class ApplyError extends Error {
  override readonly name = 'ApplyError';
  readonly reason = 'ReconciliationFailed';
  readonly subject: string;
  readonly changeSet: ChangeSet;
  constructor(subject: string, message: string, changeSet: ChangeSet) {
    super(`${subject} apply failed: ${message}`);
    this.subject = subject;
    this.changeSet = changeSet;
  }
}

export class PruneError extends Error {
  override readonly name = 'PruneError';
  readonly reason = 'PruneFailed';
  readonly changeSet: ChangeSet;
  constructor(message: string, changeSet: ChangeSet) {
    super(message);
    this.changeSet = changeSet;
  }
}

/** Objects that did not become Current in time; the message lists each with its status. */
export class WaitTimeoutError extends Error {
  override readonly name = 'WaitTimeoutError';
  readonly reason = 'HealthCheckFailed';
  readonly pending: string[];
  constructor(timeoutMs: number, pending: string[]) {
    super(`timeout waiting ${Math.round(timeoutMs / 1000)}s for: [${pending.join(', ')}]`);
    this.pending = pending;
  }
}

/** An object reached Failed while waiting and failFast was set. */
export class WaitFailedError extends Error {
  override readonly name = 'WaitFailedError';
  readonly reason = 'HealthCheckFailed';
  readonly failed: string[];
  constructor(failed: string[]) {
    super(`health check failed for: [${failed.join(', ')}]`);
    this.failed = failed;
  }
}

/** The wait was cancelled, e.g. because a newer revision is being applied. */
export class WaitCancelledError extends Error {
  override readonly name = 'WaitCancelledError';
  readonly reason = 'HealthCheckCanceled';
}
