// Events on a real API server, recorded as source- and kustomize-controller record them, reach Slack-format and
// generic-hmac sinks through Alerts; Flux's HTTP event API feeds the same pipeline.
import { createHmac } from 'node:crypto';
import type { GitRepository, Kustomization } from '@fluxion/api';
import { eventually, startWebhookSink, type WebhookSink } from '@fluxion/testenv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alert, provider, secret, startHarness, warningsOn, type Harness } from './support/harness.ts';

let harness: Harness;
let slack: WebhookSink;
let hmac: WebhookSink;
let namespace: string;
let gitRepository: GitRepository;
let kustomization: Kustomization;
const revision = 'main@sha1:0123456789abcdef0123456789abcdef01234567';

beforeAll(async () => {
  [slack, hmac] = await Promise.all([startWebhookSink(), startWebhookSink()]);
  harness = await startHarness();
  namespace = harness.namespace;
  const { client } = harness;
  gitRepository = await client.create<GitRepository>({
    apiVersion: 'source.toolkit.fluxcd.io/v1',
    kind: 'GitRepository',
    metadata: { name: 'webapp', namespace, labels: { team: 'web' } },
    spec: { interval: '5m', url: 'https://example.com/webapp.git' },
  });
  kustomization = await client.create<Kustomization>({
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    metadata: { name: 'web', namespace },
    spec: { interval: '10m', prune: true, sourceRef: { kind: 'GitRepository', name: 'webapp' } },
  });
  await client.create(secret(namespace, 'slack-url', { address: `${slack.url}/services/T0/B0/SECRET` }));
  await client.create(secret(namespace, 'hmac-key', { address: `${hmac.url}/hook`, token: 'signing-key' }));
  await client.create(
    provider(namespace, 'slack', {
      type: 'slack',
      channel: 'deploys',
      username: 'fluxion',
      secretRef: { name: 'slack-url' },
    }),
  );
  await client.create(provider(namespace, 'hmac', { type: 'generic-hmac', secretRef: { name: 'hmac-key' } }));
  await client.create(
    alert(namespace, 'to-slack', {
      providerRef: { name: 'slack' },
      summary: 'staging',
      eventSources: [
        { kind: 'GitRepository', name: '*', matchLabels: { team: 'web' } },
        { kind: 'Kustomization', name: 'web' },
      ],
    }),
  );
  await client.create(
    alert(namespace, 'to-hmac', {
      providerRef: { name: 'hmac' },
      eventSeverity: 'error',
      eventSources: [{ kind: 'Kustomization', name: '*' }],
    }),
  );
  await eventually(() => {
    if (harness.controller.alerts.list().length < 2 || harness.controller.providers.list().length < 2)
      throw new Error('caches not filled yet');
  });
});

afterAll(async () => {
  await harness?.stop();
  await Promise.all([slack?.stop(), hmac?.stop()]);
});

const attachment = (body: string) =>
  (
    JSON.parse(body) as {
      attachments: { text: string; color: string; author_name: string; fields?: { title: string; value: string }[] }[];
    }
  ).attachments[0]!;

describe('Kubernetes Events to providers', () => {
  it("a source-controller Event with its revision annotation reaches Slack with the text, colour, revision and the Alert's summary", async () => {
    await harness.recorder('source-controller').record({
      object: gitRepository,
      type: 'Normal',
      reason: 'NewArtifact',
      message: "stored artifact for commit 'Add web'",
      annotations: { 'source.toolkit.fluxcd.io/revision': revision },
    });
    const request = await slack.waitFor((r) => r.body.includes('Add web'), 15_000);
    expect(request.path).toBe('/services/T0/B0/SECRET');
    const sent = attachment(request.body);
    expect(sent).toMatchObject({
      text: "stored artifact for commit 'Add web'",
      color: 'good',
      author_name: `gitrepository/webapp.${namespace}`,
    });
    expect(sent.fields).toEqual(
      expect.arrayContaining([
        { title: 'revision', value: revision, short: false },
        { title: 'summary', value: 'staging', short: false },
      ]),
    );
    expect(JSON.parse(request.body)).toMatchObject({ channel: 'deploys', username: 'fluxion' });
  });

  it('a kustomize-controller failure goes to both sinks once, its unchanged repeat to none, and its recovery to both', async () => {
    const record = (type: 'Normal' | 'Warning', reason: string, message: string) =>
      harness.recorder('kustomize-controller').record({
        object: kustomization,
        type,
        reason,
        message,
        annotations: { 'kustomize.toolkit.fluxcd.io/revision': revision },
      });
    await record('Warning', 'HealthCheckFailed', 'health check failed after 30s: Deployment/web not ready');
    const failure = await hmac.waitFor((r) => r.body.includes('health check failed'), 15_000);
    const payload = JSON.parse(failure.body) as {
      severity: string;
      reason: string;
      metadata: Record<string, string>;
      involvedObject: { kind: string; name: string };
    };
    expect(payload).toMatchObject({
      severity: 'error',
      reason: 'HealthCheckFailed',
      metadata: { revision },
      involvedObject: { kind: 'Kustomization', name: 'web' },
    });
    expect(failure.headers['x-signature']).toBe(
      `sha256=${createHmac('sha256', 'signing-key').update(failure.body).digest('hex')}`,
    );
    const slackFailure = await slack.waitFor((r) => r.body.includes('health check failed'), 15_000);
    expect(attachment(slackFailure.body).color).toBe('danger');

    // the same failure again (the EventRecorder aggregates it into count 2): held back
    await record('Warning', 'HealthCheckFailed', 'health check failed after 30s: Deployment/web not ready');
    await record('Normal', 'ReconciliationSucceeded', `Applied revision: ${revision}`);
    const recovery = await hmac.waitFor((r) => r.body.includes('Ready again'), 15_000);
    expect((JSON.parse(recovery.body) as { message: string }).message).toMatch(
      new RegExp(
        `^Kustomization ${namespace}/web is Ready again after \\d+s: Applied revision: main@sha1:0123456789abcdef`,
      ),
    );
    await slack.waitFor((r) => r.body.includes('Ready again'), 15_000);
    expect(hmac.requests.filter((r) => r.body.includes('health check failed'))).toHaveLength(1);
    expect(slack.requests.filter((r) => r.body.includes('health check failed'))).toHaveLength(1);
  });
});

describe("Flux's HTTP event API", () => {
  it('POST / with Flux event JSON is accepted with 202 and delivered; a malformed one is 400 naming the field', async () => {
    const url = harness.controller.eventServer!.url;
    const event = {
      involvedObject: { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', name: 'web', namespace },
      severity: 'info',
      timestamp: new Date().toISOString(),
      message: 'Service/web created (from a Flux controller)',
      reason: 'ReconciliationSucceeded',
      metadata: { 'kustomize.toolkit.fluxcd.io/revision': revision },
      reportingController: 'kustomize-controller',
    };
    const accepted = await fetch(`${url}/`, {
      method: 'POST',
      body: JSON.stringify(event),
      headers: { 'content-type': 'application/json' },
    });
    expect(accepted.status).toBe(202);
    const request = await slack.waitFor((r) => r.body.includes('from a Flux controller'), 15_000);
    expect(attachment(request.body).fields).toEqual(
      expect.arrayContaining([{ title: 'revision', value: revision, short: false }]),
    );
    const refused = await fetch(`${url}/`, { method: 'POST', body: JSON.stringify({ ...event, severity: 'loud' }) });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('severity must be info, error or trace');
    const metrics = await harness.metrics();
    expect(metrics).toContain('fluxion_notification_events_total{door="http"} 1');
    expect(metrics).toMatch(/fluxion_notification_events_total\{door="kubernetes"\} [1-9]/);
    expect(metrics).toMatch(/fluxion_notification_deliveries_total\{provider_type="slack",outcome="delivered"\} [1-9]/);
    expect(metrics).toMatch(/fluxion_notification_deliveries_total\{provider_type="",outcome="held-back"\} [1-9]/);
  });
});

describe('a Provider that cannot be used', () => {
  it('is named in one Warning Event on it, naming the Secret and the key', async () => {
    const { client } = harness;
    await client.create(secret(namespace, 'no-token', { address: `${hmac.url}/x` }));
    await client.create(provider(namespace, 'broken', { type: 'generic-hmac', secretRef: { name: 'no-token' } }));
    await client.create(
      alert(namespace, 'to-broken', {
        providerRef: { name: 'broken' },
        eventSources: [{ kind: 'GitRepository', name: 'webapp' }],
      }),
    );
    await eventually(() => {
      if (
        !harness.controller.providers.get(namespace, 'broken') ||
        !harness.controller.alerts.get(namespace, 'to-broken')
      )
        throw new Error('not cached yet');
    });
    for (const message of ['first', 'second']) {
      await harness
        .recorder('source-controller')
        .record({ object: gitRepository, type: 'Normal', reason: 'NewArtifact', message: `artifact ${message}` });
    }
    await slack.waitFor((r) => r.body.includes('artifact second'), 15_000);
    const warnings = await eventually(async () => {
      const found = await warningsOn(client, namespace, 'Provider', 'broken');
      if (found.length === 0) throw new Error('no Warning Event yet');
      return found;
    });
    expect(warnings).toEqual([`Secret ${namespace}/no-token has no key token (the generic-hmac signing key)`]);
    expect(harness.logs.join('\n')).not.toContain('signing-key');
  });
});

describe('a commit status Provider with a commitStatusExpr that does not parse', () => {
  it('is named in a Warning Event on it as soon as it is written, with the field and the parser error', async () => {
    const { client } = harness;
    await client.create(
      provider(namespace, 'status-expr', {
        type: 'github',
        address: `${slack.url}/org/repo`,
        commitStatusExpr: "event.involvedObject.kind + '/' +",
      }),
    );
    const warnings = await eventually(async () => {
      const found = await warningsOn(client, namespace, 'Provider', 'status-expr');
      if (found.length === 0) throw new Error('no Warning Event yet');
      return found;
    });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^spec.commitStatusExpr: failed to parse CEL expression 'event.involvedObject.kind/);
  });
});

describe('a provider that keeps failing', () => {
  it('is retried within the bound, then named in a Warning Event with the server answer, without its webhook path', async () => {
    const { client } = harness;
    const down = await startWebhookSink();
    down.respondWith = 503;
    try {
      await client.create(secret(namespace, 'down-url', { address: `${down.url}/services/T0/B0/DOWNSECRET` }));
      await client.create(provider(namespace, 'down', { type: 'slack', secretRef: { name: 'down-url' } }));
      await client.create(
        alert(namespace, 'to-down', {
          providerRef: { name: 'down' },
          eventSources: [{ kind: 'GitRepository', name: 'webapp' }],
        }),
      );
      await eventually(() => {
        if (
          !harness.controller.providers.get(namespace, 'down') ||
          !harness.controller.alerts.get(namespace, 'to-down')
        )
          throw new Error('not cached yet');
      });
      await harness.recorder('source-controller').record({
        object: gitRepository,
        type: 'Normal',
        reason: 'NewArtifact',
        message: 'artifact for a provider that is down',
      });
      const warnings = await eventually(async () => {
        const found = await warningsOn(client, namespace, 'Provider', 'down');
        if (found.length === 0) throw new Error('no Warning Event yet');
        return found;
      });
      expect(warnings).toEqual([
        `Sending the event about GitRepository ${namespace}/webapp (Alert to-down) to slack Provider ${namespace}/down failed after 3 attempt(s): ${down.url} answered 503`,
      ]);
      expect(down.requests.filter((r) => r.body.includes('a provider that is down'))).toHaveLength(3);
      // the healthy providers were not held up by it
      await slack.waitFor((r) => r.body.includes('a provider that is down'), 15_000);
      expect(harness.logs.join('\n')).not.toContain('DOWNSECRET');
    } finally {
      await down.stop();
    }
  });
});

describe('an Alert whose Provider does not exist', () => {
  it('is named in a Warning Event on the Alert as soon as it is created, before any event', async () => {
    const { client } = harness;
    await client.create(
      alert(namespace, 'orphan', { providerRef: { name: 'nowhere' }, eventSources: [{ kind: 'Bucket', name: '*' }] }),
    );
    const warnings = await eventually(async () => {
      const found = await warningsOn(client, namespace, 'Alert', 'orphan');
      if (found.length === 0) throw new Error('no Warning Event yet');
      return found;
    });
    expect(warnings).toEqual([`spec.providerRef: Provider ${namespace}/nowhere not found`]);
  });
});
