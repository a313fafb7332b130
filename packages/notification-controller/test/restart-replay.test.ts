// The controller restarted: Kubernetes Events recorded while it was down, or not yet delivered when it stopped, are
// delivered after the restart; what it had already delivered is not sent again.
import type { GitRepository } from '@fluxion/api';
import { startWebhookSink, type WebhookSink } from '@fluxion/testenv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alert, provider, startHarness, type Harness } from './support/harness.ts';

let harness: Harness;
let sink: WebhookSink;
let repository: GitRepository;

beforeAll(async () => {
  sink = await startWebhookSink();
  // slow retries: a failing delivery is still pending when the controller stops
  harness = await startHarness({ delivery: { maxAttempts: 20, retryBaseMs: 1_000 } });
  const { client, namespace } = harness;
  repository = await client.create<GitRepository>({
    apiVersion: 'source.toolkit.fluxcd.io/v1',
    kind: 'GitRepository',
    metadata: { name: 'webapp', namespace },
    spec: { interval: '1h', url: 'https://example.com/webapp.git' },
  });
  await client.create(provider(namespace, 'sink', { type: 'generic', address: `${sink.url}/events` }));
  await client.create(
    alert(namespace, 'all', { providerRef: { name: 'sink' }, eventSources: [{ kind: 'GitRepository', name: '*' }] }),
  );
  const until = Date.now() + 20_000;
  while (harness.controller.alerts.list().length === 0 || harness.controller.providers.list().length === 0) {
    if (Date.now() > until) throw new Error('caches not filled');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
});

afterAll(async () => {
  await harness?.stop();
  await sink?.stop();
});

const record = (message: string) =>
  harness.recorder('source-controller').record({ object: repository, type: 'Normal', reason: 'NewArtifact', message });
const delivered = (message: string) => sink.requests.filter((request) => request.body.includes(`"${message}"`));

describe('restart', () => {
  it('replays what was recorded while down and what was still failing, and nothing delivered before', async () => {
    await record('delivered before the restart');
    await sink.waitFor((request) => request.body.includes('delivered before the restart'), 15_000);

    sink.respondWith = 503;
    await record('failing when stopped');
    await sink.waitFor((request) => request.body.includes('failing when stopped'), 15_000);
    await harness.stop();
    // every attempt so far was answered 503
    const failedAttempts = delivered('failing when stopped').length;

    sink.respondWith = 200;
    await record('recorded while down');
    await harness.restart();

    await sink.waitFor((request) => request.body.includes('recorded while down'), 20_000);
    // replayed after the restart, and answered 200 this time
    await sink.waitFor(() => delivered('failing when stopped').length > failedAttempts, 20_000);
    // one more event after the restart, so a late duplicate of the first would have arrived before it
    await record('after the restart');
    await sink.waitFor((request) => request.body.includes('after the restart'), 15_000);
    expect(delivered('delivered before the restart')).toHaveLength(1);
    expect(delivered('recorded while down')).toHaveLength(1);
    expect(delivered('after the restart')).toHaveLength(1);
  });

  it('does not tell again, after a restart, a failure it told before', async () => {
    const fail = (message: string) =>
      harness
        .recorder('source-controller')
        .record({ object: repository, type: 'Warning', reason: 'GitOperationFailed', message });
    await fail('failed to checkout: authentication required');
    await sink.waitFor((request) => request.body.includes('authentication required'), 15_000);
    await harness.restart();
    await fail('failed to checkout: authentication required');
    await fail('failed to checkout: repository not found');
    await sink.waitFor((request) => request.body.includes('repository not found'), 20_000);
    await record('stored artifact after the fix');
    await sink.waitFor((request) => request.body.includes('is Ready again after'), 15_000);
    expect(delivered('failed to checkout: authentication required')).toHaveLength(1);
  });
});
