// Records core/v1 Events on objects; a repeat of the same event within a window bumps count and lastTimestamp.
import type { CoreV1Event, KubernetesObject } from '@kubernetes/client-node';
import { isNotFound } from './api-error.ts';
import type { KubeClient } from './client.ts';
import { objectLabel } from './group-version-kind.ts';

export type EventType = 'Normal' | 'Warning';

export interface EventInput {
  /** The object the event is about. */
  object: KubernetesObject;
  type: EventType;
  /** A Flux reason, e.g. ReconciliationSucceeded, ArtifactFailed. */
  reason: string;
  message: string;
  /** E.g. `{ 'source.toolkit.fluxcd.io/revision': 'main@sha1:...' }`. */
  annotations?: Record<string, string>;
  action?: string;
}

export interface EventRecorderOptions {
  /** `reportingComponent` and `source.component`, e.g. kustomize-controller. */
  reportingController: string;
  /** Defaults to the host name (the pod name in a cluster). */
  reportingInstance?: string;
  /** Identical events within this window are one Event with a count (default 10 min). */
  aggregationWindowMs?: number;
  /** How many distinct recent events are remembered for aggregation. */
  cacheSize?: number;
}

interface RecentEvent {
  name: string;
  namespace: string;
  count: number;
  lastSeen: number;
}

/** Kubernetes limits `message` length; longer messages are cut with an ellipsis. */
const maxMessageLength = 1024;

export class EventRecorder {
  private readonly client: KubeClient;
  private readonly options: Required<EventRecorderOptions>;
  private readonly recent = new Map<string, RecentEvent>();

  constructor(client: KubeClient, options: EventRecorderOptions) {
    this.client = client;
    this.options = {
      reportingInstance: process.env['HOSTNAME'] ?? options.reportingController,
      aggregationWindowMs: 10 * 60_000,
      cacheSize: 4096,
      ...options,
    };
  }

  /** Creates the Event, or bumps the count of the identical one recorded within the window. */
  async record(input: EventInput): Promise<CoreV1Event> {
    const involved = input.object;
    if (!involved.metadata?.name || !involved.kind || !involved.apiVersion) {
      throw new Error(`event ${input.reason} is about ${objectLabel(involved)}, which lacks apiVersion, kind or name`);
    }
    const message =
      input.message.length > maxMessageLength ? `${input.message.slice(0, maxMessageLength - 3)}...` : input.message;
    const key = aggregationKey(involved, input, message);
    const now = new Date();
    const previous = this.recent.get(key);
    if (previous && now.getTime() - previous.lastSeen < this.options.aggregationWindowMs) {
      try {
        const bumped = await this.client.patch<CoreV1Event>(
          { apiVersion: 'v1', kind: 'Event', name: previous.name, namespace: previous.namespace },
          { count: previous.count + 1, lastTimestamp: now.toISOString() },
          'merge',
        );
        this.remember(key, { ...previous, count: previous.count + 1, lastSeen: now.getTime() });
        return bumped;
      } catch (error) {
        // the Event expired (TTL) or was deleted: start a new one
        if (!isNotFound(error)) throw error;
      }
    }
    const event = await this.client.create<CoreV1Event>(this.newEvent(involved, input, message, now));
    this.remember(key, {
      name: event.metadata?.name ?? '',
      namespace: event.metadata?.namespace ?? '',
      count: 1,
      lastSeen: now.getTime(),
    });
    return event;
  }

  private newEvent(involved: KubernetesObject, input: EventInput, message: string, now: Date): CoreV1Event {
    const meta = involved.metadata ?? {};
    const namespace = meta.namespace || 'default';
    const timestamp = now.toISOString();
    const event = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: {
        // like client-go: unique, sortable by time, and grouped by object name
        name: `${meta.name}.${(BigInt(now.getTime()) * 1_000_000n + (process.hrtime.bigint() % 1_000_000n)).toString(16)}`,
        namespace,
        ...(input.annotations && Object.keys(input.annotations).length > 0 ? { annotations: input.annotations } : {}),
      },
      involvedObject: {
        apiVersion: involved.apiVersion,
        kind: involved.kind,
        name: meta.name,
        ...(meta.namespace ? { namespace: meta.namespace } : {}),
        ...(meta.uid ? { uid: meta.uid } : {}),
        ...(meta.resourceVersion ? { resourceVersion: meta.resourceVersion } : {}),
      },
      type: input.type,
      reason: input.reason,
      message,
      count: 1,
      firstTimestamp: timestamp,
      lastTimestamp: timestamp,
      source: { component: this.options.reportingController },
      reportingComponent: this.options.reportingController,
      reportingInstance: this.options.reportingInstance,
      ...(input.action ? { action: input.action } : {}),
    };
    return event as unknown as CoreV1Event;
  }

  private remember(key: string, entry: RecentEvent): void {
    this.recent.delete(key);
    this.recent.set(key, entry);
    if (this.recent.size > this.options.cacheSize) {
      const oldest = this.recent.keys().next().value;
      if (oldest !== undefined) this.recent.delete(oldest);
    }
  }
}

function aggregationKey(involved: KubernetesObject, input: EventInput, message: string): string {
  const meta = involved.metadata ?? {};
  const annotations = Object.entries(input.annotations ?? {}).sort(([a], [b]) => a.localeCompare(b));
  return JSON.stringify([
    involved.apiVersion,
    involved.kind,
    meta.namespace,
    meta.name,
    meta.uid,
    input.type,
    input.reason,
    message,
    annotations,
  ]);
}
