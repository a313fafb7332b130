// The pipeline end to end in one process (matching, noise, lanes, a generic Provider) to a real local sink: a burst
// is delivered, and nothing in the pipeline keeps the events once they are delivered (a burst's memory comes back).
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Alert, Provider } from '@fluxion/api';
import { silentLogger } from '@fluxion/runtime';
import { startWebhookSink, type WebhookSink } from '@fluxion/testenv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matchingAlerts } from './alert-matching.ts';
import { AlertNoiseFilter } from './alert-noise.ts';
import { DeliveryLanes } from './delivery-lanes.ts';
import { EventPipeline } from './event-pipeline.ts';
import type { FluxEvent } from './flux-event.ts';
import { ProblemReporter } from './problem-reporter.ts';
import { ProviderNotifiers } from './provider-notifiers.ts';

let sink: WebhookSink;
beforeAll(async () => {
  sink = await startWebhookSink();
});
afterAll(async () => {
  await sink.stop();
});

const alertCount = 20;
const alerts: Alert[] = Array.from({ length: alertCount }, (_, i) => ({
  apiVersion: 'notification.toolkit.fluxcd.io/v1beta3',
  kind: 'Alert',
  metadata: { name: `alert-${i}`, namespace: 'apps', uid: `alert-${i}` },
  spec: { providerRef: { name: 'sink' }, eventSources: [{ kind: 'GitRepository', name: `repo-${i}` }] },
}));

function event(index: number): FluxEvent {
  return {
    involvedObject: {
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'GitRepository',
      name: `repo-${index % alertCount}`,
      namespace: 'apps',
    },
    severity: 'info',
    timestamp: new Date().toISOString(),
    message: `stored artifact ${index}`,
    reason: 'NewArtifact',
    metadata: { revision: `main@sha1:${index.toString(16).padStart(40, '0')}` },
    reportingController: 'source-controller',
  };
}

/** A full garbage collection from inside a test (vitest runs without --expose-gc). */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

describe('EventPipeline', () => {
  it('matches without a promise per Alert when no matchLabels needs the object (a burst was mostly that garbage)', () => {
    const matches = matchingAlerts(event(3), alerts, {
      noCrossNamespaceRefs: false,
      labelsOf: () => Promise.reject(new Error('labels are not needed here')),
    });
    expect(Array.isArray(matches) && matches.map((m) => m.alert.metadata?.name)).toEqual(['alert-3']);
  });

  it('delivers a burst once each, and keeps none of its events after delivery', async () => {
    const provider: Provider = {
      apiVersion: 'notification.toolkit.fluxcd.io/v1beta3',
      kind: 'Provider',
      metadata: { name: 'sink', namespace: 'apps', uid: 'sink', resourceVersion: '1' },
      spec: { type: 'generic', address: `${sink.url}/burst` },
    };
    const logger = silentLogger();
    const lanes = new DeliveryLanes();
    const pipeline = new EventPipeline({
      alerts: () => alerts,
      provider: (namespace, name) => (namespace === 'apps' && name === 'sink' ? provider : undefined),
      notifiers: new ProviderNotifiers(async () => undefined),
      lanes,
      noise: new AlertNoiseFilter({ mode: 'on-change', rateLimitMs: 300_000 }),
      noCrossNamespaceRefs: false,
      labelsOf: async () => ({}),
      problems: new ProblemReporter(undefined, logger),
      logger,
    });
    const burst = 2_000;
    const before = sink.requests.length;
    const delivered: WeakRef<FluxEvent>[] = [];
    const dispatches: Promise<void>[] = [];
    for (let i = 0; i < burst; i++) {
      const sent = event(i);
      delivered.push(new WeakRef(sent));
      dispatches.push(pipeline.dispatch(sent));
    }
    await Promise.all(dispatches);
    await lanes.idle();
    const messages = sink.requests.slice(before).map((r) => (JSON.parse(r.body) as FluxEvent).message);
    expect(new Set(messages).size).toBe(burst);
    expect(messages).toHaveLength(burst);

    dispatches.length = 0;
    // a WeakRef keeps its target until the end of the current job: let it end before collecting
    await new Promise((resolve) => setImmediate(resolve));
    collectGarbage();
    const kept = delivered.filter((ref) => ref.deref() !== undefined).length;
    expect(kept, `${kept} of ${burst} delivered events are still held in memory`).toBeLessThan(burst / 100);
  });
});
