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
  readonly #start: Checkpoint;
  readonly #sentAtStart: Set<string>;
  #highestSettled: number;
  #changed = false;

  constructor(start: Checkpoint) {
    this.#start = start;
    this.#sentAtStart = new Set(start.sent);
    this.#highestSettled = start.watermark;
    for (const id of start.sent) this.#settledAfter.set(id, start.watermark + 1);
  }

  /** True if an event listed at start-up (or at a relist) was not handled before the checkpoint. */
  needsReplay(id: string, timestamp: number): boolean {
    return timestamp > this.#start.watermark && !this.#sentAtStart.has(id);
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
    return { watermark, sent };
  }
}

function justBeforeSecond(timestamp: number): number {
  return Math.floor(timestamp / 1000) * 1000 - 1;
}
