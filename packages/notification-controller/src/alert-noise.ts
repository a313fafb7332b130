// Less alert noise than Flux: a failure is sent when it starts and when its message changes, then once on recovery;
// an unchanged failure is not repeated (unless the Alert asks for a reminder). Flux's 5-minute rate limit is a flag away.
import { describeObject, type FluxEvent } from './flux-event.ts';

/** `on-change` (default): first failure, changed failure, recovery. `flux`: every event, identical ones held back for the rate limit. */
export type NoiseMode = 'on-change' | 'flux';
export const noiseModes: readonly NoiseMode[] = ['on-change', 'flux'];

/** An Alert annotation (the schema stays Flux's): repeat an unchanged failure after this long, e.g. `1h`. */
export const ReminderIntervalAnnotation = 'notification.fluxion.dev/reminder-interval';

export interface NoiseFilterOptions {
  mode: NoiseMode;
  /** --rate-limit-interval: identical events within it are sent once. */
  rateLimitMs: number;
  now?: () => number;
  /** How many (Alert, object) pairs are remembered (least recently used first out). */
  capacity?: number;
}

interface PairState {
  /** Set while the object is failing, as far as this Alert has seen. */
  failingSince?: number;
  failureMessage?: string;
  lastSentAt: number;
  /** reason, message and revision of the last event sent, for the rate limit. */
  lastSentKey?: string;
}

export interface NoiseDecision {
  /** What to send; undefined when the event is held back. */
  send?: FluxEvent;
  /** Why it is held back, for the debug log. */
  heldBack?: 'unchanged-failure' | 'rate-limited' | 'severity';
}

/** The failures an Alert has told and not yet seen recover, kept across restarts so they are not told again. */
export type OpenFailures = Record<string, { since: number; message: string; sentAt: number }>;

export class AlertNoiseFilter {
  readonly #options: Required<NoiseFilterOptions>;
  readonly #pairs = new Map<string, PairState>();
  #failuresChanged = false;

  constructor(options: NoiseFilterOptions) {
    this.#options = { now: Date.now, capacity: 100_000, ...options };
  }

  /**
   * Decides for one Alert. `severityPasses` is false for an info event reaching an error-only Alert: it is sent
   * only as the recovery of a failure that Alert reported.
   */
  decide(alertKey: string, event: FluxEvent, severityPasses: boolean, reminderMs?: number): NoiseDecision {
    const now = this.#options.now();
    const pairKey = `${alertKey}\u0000${event.involvedObject.kind}/${event.involvedObject.namespace}/${event.involvedObject.name}`;
    const state = this.#pairs.get(pairKey) ?? { lastSentAt: 0 };
    const sentKey = JSON.stringify([
      event.severity,
      event.reason,
      event.message,
      event.metadata?.['revision'] ?? '',
      event.metadata?.['token'] ?? '',
    ]);
    const rateLimited = state.lastSentKey === sentKey && now - state.lastSentAt < this.#options.rateLimitMs;

    if (this.#options.mode === 'flux') {
      if (!severityPasses) return { heldBack: 'severity' };
      if (rateLimited) return { heldBack: 'rate-limited' };
      return this.#sent(pairKey, state, event, sentKey, now);
    }

    if (event.severity === 'error') {
      if (!severityPasses) return { heldBack: 'severity' };
      const unchanged = state.failingSince !== undefined && state.failureMessage === event.message;
      const remind = unchanged && reminderMs !== undefined && reminderMs > 0 && now - state.lastSentAt >= reminderMs;
      if (unchanged && !remind) return this.#held(pairKey, state, 'unchanged-failure');
      state.failingSince ??= now;
      state.failureMessage = event.message;
      this.#failuresChanged = true;
      return this.#sent(pairKey, state, event, sentKey, now);
    }

    if (state.failingSince !== undefined) {
      const recovery = recoveryEvent(event, now - state.failingSince);
      delete state.failingSince;
      delete state.failureMessage;
      this.#failuresChanged = true;
      return this.#sent(pairKey, state, recovery, sentKey, now);
    }
    if (!severityPasses) return { heldBack: 'severity' };
    if (rateLimited) return this.#held(pairKey, state, 'rate-limited');
    return this.#sent(pairKey, state, event, sentKey, now);
  }

  /** The open failures, or undefined when they did not change since the last call. */
  takeOpenFailures(): OpenFailures | undefined {
    if (!this.#failuresChanged) return undefined;
    this.#failuresChanged = false;
    const open: OpenFailures = {};
    for (const [key, state] of this.#pairs) {
      if (state.failingSince !== undefined)
        open[key] = { since: state.failingSince, message: state.failureMessage ?? '', sentAt: state.lastSentAt };
    }
    return open;
  }

  /** Restores what a previous process told (before any event is decided). */
  restoreOpenFailures(open: OpenFailures): void {
    for (const [key, failure] of Object.entries(open)) {
      this.#remember(key, { failingSince: failure.since, failureMessage: failure.message, lastSentAt: failure.sentAt });
    }
  }

  /** How many (Alert, object) pairs are remembered. */
  get size(): number {
    return this.#pairs.size;
  }

  #sent(pairKey: string, state: PairState, event: FluxEvent, sentKey: string, now: number): NoiseDecision {
    state.lastSentAt = now;
    state.lastSentKey = sentKey;
    this.#remember(pairKey, state);
    return { send: event };
  }

  #held(pairKey: string, state: PairState, why: NoiseDecision['heldBack']): NoiseDecision {
    this.#remember(pairKey, state);
    return { heldBack: why };
  }

  #remember(pairKey: string, state: PairState): void {
    this.#pairs.delete(pairKey);
    this.#pairs.set(pairKey, state);
    if (this.#pairs.size > this.#options.capacity) {
      const oldest = this.#pairs.keys().next().value;
      if (oldest !== undefined) this.#pairs.delete(oldest);
    }
  }
}

/** "Kustomization apps/web is Ready again after 12m: Applied revision: main@sha1:..." */
export function recoveryEvent(event: FluxEvent, failedForMs: number): FluxEvent {
  return {
    ...event,
    message: `${describeObject(event.involvedObject)} is Ready again after ${formatElapsed(failedForMs)}: ${event.message}`,
  };
}

/** 45s, 12m, 1h5m: short and rounded, for people. */
export function formatElapsed(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
}
