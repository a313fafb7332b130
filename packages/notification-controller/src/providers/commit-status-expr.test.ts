// spec.commitStatusExpr: the commit status id from a CEL expression over event, provider and alert, posted to a real
// local server; a bad expression is a configuration error naming the field; a failing one is not retried.
import type { Alert, Provider } from '@fluxion/api';
import { startWebhookSink, type WebhookSink } from '@fluxion/testenv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FluxEvent } from '../flux-event.ts';
import { notifierFor } from './notifier-factory.ts';
import { DeliveryError, type Notifier } from './notifier.ts';
import { ProviderConfigError, providerSettings } from './provider-settings.ts';

let sink: WebhookSink;
beforeAll(async () => {
  sink = await startWebhookSink();
});
afterAll(async () => {
  await sink.stop();
});

const sha = '0123456789abcdef0123456789abcdef01234567';
const event: FluxEvent = {
  involvedObject: {
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    name: 'Web',
    namespace: 'apps',
  },
  severity: 'info',
  timestamp: '2026-01-01T10:00:00Z',
  message: 'Applied revision',
  reason: 'ReconciliationSucceeded',
  metadata: { revision: `main@sha1:${sha}`, clusterName: 'prod-1' },
  reportingController: 'kustomize-controller',
};
const alert: Alert = {
  apiVersion: 'notification.toolkit.fluxcd.io/v1beta3',
  kind: 'Alert',
  metadata: { name: 'github-status', namespace: 'apps' },
  spec: { providerRef: { name: 'github' }, eventSources: [{ kind: 'Kustomization', name: '*' }] },
};

function provider(type: string, commitStatusExpr: string): Provider {
  return {
    apiVersion: 'notification.toolkit.fluxcd.io/v1beta3',
    kind: 'Provider',
    metadata: { name: 'github', namespace: 'apps', uid: 'a1b2c3d4-0000' },
    spec: { type: type as NonNullable<Provider['spec']>['type'], address: `${sink.url}/org/repo`, commitStatusExpr },
  };
}

async function build(type: string, expression: string): Promise<Notifier | ProviderConfigError> {
  const settings = await providerSettings(provider(type, expression), async () => undefined);
  return settings instanceof ProviderConfigError ? settings : notifierFor(settings);
}

describe('commitStatusExpr', () => {
  it('gives the commit status its id from event, provider and alert', async () => {
    const notifier = await build(
      'github',
      "(event.involvedObject.kind + '/' + event.involvedObject.name).lowerAscii() + '/' + event.metadata.clusterName + '/' + provider.metadata.name + '/' + alert.metadata.name",
    );
    if (notifier instanceof ProviderConfigError) throw notifier;
    await notifier.post(event, AbortSignal.timeout(10_000), alert);
    const request = await sink.waitFor((r) => r.path === `/api/v3/repos/org/repo/statuses/${sha}`);
    expect(JSON.parse(request.body)).toMatchObject({
      state: 'success',
      context: 'kustomization/web/prod-1/github/github-status',
    });
  });

  it('an expression that does not parse is a configuration error naming the field', async () => {
    const error = await build('gitlab', 'event.involvedObject.(');
    expect(error).toBeInstanceOf(ProviderConfigError);
    expect((error as ProviderConfigError).message).toMatch(/^spec.commitStatusExpr: failed to parse CEL expression/);
  });

  it('is refused on a type that sets no commit status', async () => {
    expect(((await build('slack', "'x'")) as ProviderConfigError).message).toMatch(
      /spec.commitStatusExpr is only supported for the commit status types .*, not slack/,
    );
  });

  it('an expression that fails on an event names the field and is not retried', async () => {
    const notifier = await build('gitea', 'event.metadata.missing');
    if (notifier instanceof ProviderConfigError) throw notifier;
    const error = await notifier.post(event, AbortSignal.timeout(10_000), alert).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryError);
    expect((error as DeliveryError).retryable).toBe(false);
    expect((error as DeliveryError).message).toMatch(
      /^spec.commitStatusExpr: expression 'event.metadata.missing' failed/,
    );
  });
});
