// How far the Kubernetes Events have been handled, so that a restart replays exactly what was not yet delivered:
// every event at or before `watermark` is done, and `sent` lists the ones after it that are done too.
// Event timestamps have a resolution of one second, hence a set of identities beside the time.

export interface Checkpoint {
  /** Milliseconds since the epoch. */
  watermark: number;
  /** Identities (`namespace/name@count`) of events after the watermark that were already handled. */
  sent: string[];
}

export class DeliveryWatermark {
  readonly #pending = new Map<string, number>();
  readonly #settledAfter = new Map<string, number>();
  #highestSettled: number;
  /** The last checkpoint's watermark: every event at or before it is done. */
  #doneUpTo: number;
  #changed = false;

  constructor(start: Checkpoint) {
    this.#highestSettled = start.watermark;
    this.#doneUpTo = start.watermark;
    for (const id of start.sent) this.#settledAfter.set(id, start.watermark + 1);
  }

  /**
   * True if this occurrence is being delivered or was delivered. A listed one (start-up, relist) is also done when it
   * is not newer than the checkpoint; a watched one is new unless known. What is remembered is only what is newer
   * than the checkpoint: the memory of a watch is a watermark, not every Event it saw.
   */
  handled(id: string, timestamp: number, listed: boolean): boolean {
    return this.#pending.has(id) || this.#settledAfter.has(id) || (listed && timestamp <= this.#doneUpTo);
  }

  /** True if an event listed at start-up (or at a relist) was not handled before the checkpoint. */
  needsReplay(id: string, timestamp: number): boolean {
    return !this.handled(id, timestamp, true);
  }

  /** Occurrences remembered (pending, and done after the checkpoint): bounded by the events of about a second. */
  get rememberedCount(): number {
    return this.#pending.size + this.#settledAfter.size;
  }

  started(id: string, timestamp: number): void {
    this.#pending.set(id, timestamp);
  }

  settled(id: string): void {
    const timestamp = this.#pending.get(id);
    if (timestamp === undefined) return;
    this.#pending.delete(id);
    this.#settledAfter.set(id, timestamp);
    if (timestamp > this.#highestSettled) this.#highestSettled = timestamp;
    this.#changed = true;
  }

  get pendingCount(): number {
    return this.#pending.size;
  }

  /** The checkpoint to store, or undefined when nothing changed since the last call. */
  take(force = false): Checkpoint | undefined {
    if (!this.#changed && !force) return undefined;
    this.#changed = false;
    // just before the second of the newest settled event (an unseen event may share that second), and before the
    // second of any pending one, so it is replayed after a crash
    let watermark = justBeforeSecond(this.#highestSettled);
    for (const timestamp of this.#pending.values()) watermark = Math.min(watermark, justBeforeSecond(timestamp));
    const sent: string[] = [];
    for (const [id, timestamp] of this.#settledAfter) {
      if (timestamp > watermark) sent.push(id);
      else this.#settledAfter.delete(id);
    }
    this.#doneUpTo = watermark;
    return { watermark, sent };
  }
}

function justBeforeSecond(timestamp: number): number {
  return Math.floor(timestamp / 1000) * 1000 - 1;
}
