// Provider and Alert have no status in v1beta3: a problem with one is a Warning Event on it and a log line, once per
// distinct problem and generation, not at every event it spoils.
import type { EventRecorder, Logger } from '@fluxion/runtime';
import type { KubernetesObject } from '@kubernetes/client-node';

export class ProblemReporter {
  readonly #events: EventRecorder | undefined;
  readonly #logger: Logger;
  readonly #reported = new Set<string>();

  constructor(events: EventRecorder | undefined, logger: Logger) {
    this.#events = events;
    this.#logger = logger;
  }

  /** Reports unless this exact problem was already reported for this generation of the object. */
  report(object: KubernetesObject, reason: string, message: string): void {
    const meta = object.metadata ?? {};
    const key = JSON.stringify([object.kind, meta.namespace, meta.name, meta.uid, meta.generation, reason, message]);
    if (this.#reported.has(key)) return;
    if (this.#reported.size > 10_000) this.#reported.clear();
    this.#reported.add(key);
    this.warn(object, reason, message);
  }

  /** Reports every time: for failures that happen again after a success (a repeat within minutes is one Event with a count). */
  warn(object: KubernetesObject, reason: string, message: string): void {
    const meta = object.metadata ?? {};
    this.#logger.warn({ kind: object.kind, namespace: meta.namespace, name: meta.name, reason }, message);
    void this.#events?.record({ object, type: 'Warning', reason, message }).catch((error: unknown) => {
      this.#logger.warn({ err: error, kind: object.kind, name: meta.name }, 'Could not record an Event');
    });
  }
}
