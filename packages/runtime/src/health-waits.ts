// Health waits under way, by object key, so a newer source revision or spec can cancel a wait on an older one.

interface ActiveWait {
  revision: string;
  generation: number | undefined;
  controller: AbortController;
}

export class HealthWaits {
  private readonly waits = new Map<string, ActiveWait>();

  /** Registers a wait; the returned signal fires when it is cancelled. Call `end()` when the wait is over. */
  begin(key: string, revision: string, generation: number | undefined): { signal: AbortSignal; end: () => void } {
    this.waits.get(key)?.controller.abort('superseded by a newer reconcile');
    const wait: ActiveWait = { revision, generation, controller: new AbortController() };
    this.waits.set(key, wait);
    return {
      signal: wait.controller.signal,
      end: () => {
        if (this.waits.get(key) === wait) this.waits.delete(key);
      },
    };
  }

  /** Cancels the wait of `key` if it waits on another revision; returns true when one was cancelled. */
  cancelIfRevisionChanged(key: string, newRevision: string): boolean {
    const wait = this.waits.get(key);
    if (!wait || wait.revision === newRevision) return false;
    wait.controller.abort(
      `new revision ${newRevision} is available; the health check of ${wait.revision} was cancelled`,
    );
    this.waits.delete(key);
    return true;
  }

  /** Cancels the wait of `key` if it was started for an older generation of the spec. */
  cancelIfGenerationChanged(key: string, generation: number | undefined): boolean {
    const wait = this.waits.get(key);
    if (!wait || wait.generation === generation) return false;
    wait.controller.abort(
      `the object changed (generation ${generation}); the health check of generation ${wait.generation} was cancelled`,
    );
    this.waits.delete(key);
    return true;
  }

  cancel(key: string, reason: string): void {
    this.waits.get(key)?.controller.abort(reason);
    this.waits.delete(key);
  }

  has(key: string): boolean {
    return this.waits.has(key);
  }
}
