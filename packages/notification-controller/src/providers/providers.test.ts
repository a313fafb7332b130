// Each provider against a real local HTTP server that records what it receives (testenv's webhook sink).
import { createHmac } from 'node:crypto';
import { startWebhookSink, type WebhookSink } from '@fluxion/testenv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FluxEvent } from '../flux-event.ts';
import { notifierFor } from './notifier-factory.ts';
import { DeliveryError, type Notifier, type ProviderSettings } from './notifier.ts';
import { ProviderConfigError } from './provider-settings.ts';

let sink: WebhookSink;
beforeAll(async () => {
  sink = await startWebhookSink();
});
afterAll(async () => {
  await sink.stop();
});

const event: FluxEvent = {
  involvedObject: {
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    name: 'web',
    namespace: 'apps',
  },
  severity: 'error',
  timestamp: '2026-01-01T10:00:00Z',
  message: 'Health check failed after 5m: Deployment/apps/web not ready',
  reason: 'HealthCheckFailed',
  metadata: { revision: 'main@sha1:0123456789abcdef0123456789abcdef01234567', summary: 'prod' },
  reportingController: 'kustomize-controller',
};

function settings(type: string, overrides: Partial<ProviderSettings> = {}): ProviderSettings {
  return {
    type,
    uid: '4f1c2a9e-1111-2222-3333-444455556666',
    address: `${sink.url}/${type}`,
    channel: '',
    username: '',
    token: '',
    password: '',
    headers: {},
    proxy: '',
    timeoutMs: 5_000,
    tls: {},
    ...overrides,
  };
}

function notifier(s: ProviderSettings): Notifier {
  const built = notifierFor(s);
  if (built instanceof ProviderConfigError) throw built;
  return built;
}

async function posted(path: string, s: ProviderSettings) {
  await notifier(s).post(event, AbortSignal.timeout(10_000));
  return sink.waitFor((request) => request.path === path);
}

describe('generic', () => {
  it("posts Flux's event JSON with the Secret's headers", async () => {
    const request = await posted('/generic', settings('generic', { headers: { 'X-Team': 'web' } }));
    expect(JSON.parse(request.body)).toEqual(event);
    expect(request.headers['x-team']).toBe('web');
    expect(request.headers['gotk-component']).toBe('kustomize-controller');
  });
});

describe('generic-hmac', () => {
  it('signs the body with the token: X-Signature: sha256=<hex>', async () => {
    const request = await posted('/generic-hmac', settings('generic-hmac', { token: 's3cret' }));
    expect(request.headers['x-signature']).toBe(
      `sha256=${createHmac('sha256', 's3cret').update(request.body).digest('hex')}`,
    );
  });
});

describe('slack', () => {
  it('sends an attachment coloured by severity with the revision as a field, channel and username', async () => {
    const request = await posted('/slack', settings('slack', { channel: 'ops', username: 'flux' }));
    expect(JSON.parse(request.body)).toEqual({
      channel: 'ops',
      username: 'flux',
      attachments: [
        {
          color: 'danger',
          author_name: 'kustomization/web.apps',
          text: event.message,
          mrkdwn_in: ['text'],
          fields: [
            { title: 'revision', value: 'main@sha1:0123456789abcdef0123456789abcdef01234567', short: false },
            { title: 'summary', value: 'prod', short: false },
          ],
        },
      ],
    });
    expect(request.headers['authorization']).toBeUndefined();
  });

  it('uses the bot token for chat.postMessage', async () => {
    const request = await posted(
      '/slack-bot',
      settings('slack', { address: `${sink.url}/slack-bot`, token: 'xoxb-1', channel: 'general' }),
    );
    expect(request.headers['authorization']).toBe('Bearer xoxb-1');
  });
});

describe('failures', () => {
  it('a 5xx is retryable and names only scheme and host, never the webhook path', async () => {
    sink.respondWith = 503;
    try {
      const error = await notifier(settings('slack', { address: `${sink.url}/services/T000/B000/XXXXSECRET` }))
        .post(event, AbortSignal.timeout(5_000))
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DeliveryError);
      expect((error as DeliveryError).retryable).toBe(true);
      expect((error as DeliveryError).message).toBe(`${sink.url} answered 503`);
    } finally {
      sink.respondWith = 200;
    }
  });

  it('a 4xx is not retried', async () => {
    sink.respondWith = 400;
    try {
      const error = (await notifier(settings('generic'))
        .post(event, AbortSignal.timeout(5_000))
        .catch((e: unknown) => e)) as DeliveryError;
      expect(error.retryable).toBe(false);
    } finally {
      sink.respondWith = 200;
    }
  });

  it('an unsupported type is a configuration error naming it', () => {
    expect((notifierFor(settings('pigeon')) as ProviderConfigError).message).toMatch(
      /^spec.type pigeon is not supported by Fluxion yet/,
    );
  });
});

describe('chat and incident providers, in the shape each service documents', () => {
  const cases: {
    type: string;
    overrides?: Partial<ProviderSettings>;
    path: (s: ProviderSettings) => string;
    check: (body: any, headers: Record<string, unknown>, method: string) => void;
  }[] = [
    {
      type: 'discord',
      path: () => '/discord/slack',
      check: (body) => expect(body.attachments[0]).toMatchObject({ color: 'danger', text: event.message }),
    },
    {
      type: 'rocket',
      path: () => '/rocket',
      check: (body) => expect(body.attachments[0].author_name).toBe('kustomization/web.apps'),
    },
    {
      type: 'msteams',
      path: () => '/msteams',
      check: (body) => {
        const card = body.attachments[0];
        expect(card.contentType).toBe('application/vnd.microsoft.card.adaptive');
        expect(card.content.body[0]).toMatchObject({ text: 'kustomization/web.apps', color: 'attention' });
        expect(card.content.body[2].facts).toContainEqual({ title: 'revision', value: event.metadata!['revision'] });
      },
    },
    {
      type: 'googlechat',
      path: () => '/googlechat',
      check: (body) => expect(body.cardsV2[0].card.sections[0].widgets[0].textParagraph.text).toBe(event.message),
    },
    {
      type: 'webex',
      overrides: { channel: 'room-1', token: 'webex-token' },
      path: () => '/webex',
      check: (body, headers) => {
        expect(body.roomId).toBe('room-1');
        expect(body.markdown).toContain(event.message);
        expect(headers['authorization']).toBe('Bearer webex-token');
      },
    },
    {
      type: 'telegram',
      overrides: { channel: '-100123', token: '123:abc' },
      path: () => '/telegram/bot123:abc/sendMessage',
      check: (body) => expect(body).toMatchObject({ chat_id: '-100123', parse_mode: 'Markdown' }),
    },
    {
      type: 'matrix',
      overrides: { channel: '!room:example.org', token: 'matrix-token' },
      path: () => '/matrix/_matrix/client/v3/rooms/!room%3Aexample.org/send/m.room.message/',
      check: (body, headers, method) => {
        expect(method).toBe('PUT');
        expect(body.msgtype).toBe('m.text');
        expect(headers['authorization']).toBe('Bearer matrix-token');
      },
    },
    { type: 'lark', path: () => '/lark', check: (body) => expect(body.card.header.template).toBe('red') },
    {
      type: 'grafana',
      overrides: { username: 'admin', password: 'pw' },
      path: () => '/grafana',
      check: (body, headers) => {
        expect(body.tags).toEqual(
          expect.arrayContaining(['flux', 'kustomize-controller', 'Kustomization', 'web', 'apps', 'HealthCheckFailed']),
        );
        expect(headers['authorization']).toBe(`Basic ${Buffer.from('admin:pw').toString('base64')}`);
      },
    },
    {
      type: 'alertmanager',
      path: () => '/alertmanager',
      check: (body) =>
        expect(body[0]).toMatchObject({
          labels: { alertname: 'FluxKustomizationHealthCheckFailed', severity: 'error', namespace: 'apps' },
          annotations: { message: event.message, summary: 'prod' },
        }),
    },
    {
      type: 'opsgenie',
      overrides: { token: 'genie' },
      path: () => '/opsgenie',
      check: (body, headers) => (
        expect(body.description).toBe(event.message),
        expect(headers['authorization']).toBe('GenieKey genie')
      ),
    },
    {
      type: 'pagerduty',
      overrides: { channel: 'routing-key' },
      path: () => '/pagerduty',
      check: (body) =>
        expect(body).toMatchObject({
          routing_key: 'routing-key',
          event_action: 'trigger',
          dedup_key: 'Kustomization/apps/web',
          payload: { severity: 'error', class: 'HealthCheckFailed' },
        }),
    },
    {
      type: 'datadog',
      overrides: { token: 'dd' },
      path: () => '/datadog/api/v1/events',
      check: (body, headers) => (expect(body.alert_type).toBe('error'), expect(headers['dd-api-key']).toBe('dd')),
    },
  ];
  for (const { type, overrides, path, check } of cases) {
    it(type, async () => {
      const s = settings(type, overrides);
      await notifier(s).post(event, AbortSignal.timeout(10_000));
      const request = await sink.waitFor((r) => r.path.startsWith(path(s)));
      check(JSON.parse(request.body), request.headers, request.method);
    });
  }
});

describe('commit statuses from the revision in the event', () => {
  const sha = '0123456789abcdef0123456789abcdef01234567';
  const cases: { type: string; address: string; path: string; state: (body: any) => unknown; auth: string }[] = [
    {
      type: 'github',
      address: '/org/repo',
      path: `/api/v3/repos/org/repo/statuses/${sha}`,
      state: (b) => [b.state, b.context],
      auth: 'Bearer tok',
    },
    {
      type: 'gitlab',
      address: '/group/sub/project.git',
      path: `/api/v4/projects/group%2Fsub%2Fproject/statuses/${sha}`,
      state: (b) => [b.state, b.name],
      auth: '',
    },
    {
      type: 'gitea',
      address: '/org/repo',
      path: `/api/v1/repos/org/repo/statuses/${sha}`,
      state: (b) => [b.state, b.context],
      auth: 'token tok',
    },
    {
      type: 'bitbucketserver',
      address: '/scm/proj/repo.git',
      path: `/rest/api/latest/projects/proj/repos/repo/commits/${sha}/builds`,
      state: (b) => [b.state, b.key],
      auth: 'Bearer tok',
    },
    {
      type: 'azuredevops',
      address: '/org/project/_git/repo',
      path: `/org/project/_apis/git/repositories/repo/commits/${sha}/statuses?api-version=6.0`,
      state: (b) => [b.state, b.context.name],
      auth: `Basic ${Buffer.from(':tok').toString('base64')}`,
    },
  ];
  const states: Record<string, [string, string]> = {
    github: ['failure', 'success'],
    gitlab: ['failed', 'success'],
    gitea: ['failure', 'success'],
    bitbucketserver: ['FAILED', 'SUCCESSFUL'],
    azuredevops: ['failed', 'succeeded'],
  };
  for (const { type, address, path, state, auth } of cases) {
    it(`${type}: failure, then success, keyed kind/name/provider`, async () => {
      const n = notifier(settings(type, { address: `${sink.url}${address}`, token: 'tok' }));
      const before = sink.requests.length;
      await n.post(event, AbortSignal.timeout(5_000));
      await n.post({ ...event, severity: 'info', message: 'Applied revision' }, AbortSignal.timeout(5_000));
      const sent = sink.requests.slice(before);
      expect(sent.map((r) => r.path)).toEqual([path, path]);
      expect(sent.map((r) => state(JSON.parse(r.body)))).toEqual(
        states[type]!.map((s) => [s, 'kustomization/web/4f1c2a9e']),
      );
      if (auth) expect(sent[0]!.headers['authorization']).toBe(auth);
      else expect(sent[0]!.headers['private-token']).toBe('tok');
    });
  }

  it('skips events without a Git commit, and refuses an address without a repository', async () => {
    const before = sink.requests.length;
    await notifier(settings('github', { address: `${sink.url}/org/repo` })).post(
      { ...event, metadata: { revision: 'latest@sha256:abc' } },
      AbortSignal.timeout(5_000),
    );
    expect(sink.requests.length).toBe(before);
    expect((notifierFor(settings('github', { address: `${sink.url}/` })) as ProviderConfigError).message).toMatch(
      /^spec.address: the address names no owner\/repository/,
    );
  });

  it('githubdispatch sends a repository_dispatch with the event as client_payload', async () => {
    await notifier(settings('githubdispatch', { address: `${sink.url}/org/repo`, token: 'tok' })).post(
      event,
      AbortSignal.timeout(5_000),
    );
    const request = await sink.waitFor((r) => r.path === '/api/v3/repos/org/repo/dispatches');
    expect(JSON.parse(request.body)).toEqual({ event_type: 'Kustomization/web.apps', client_payload: event });
  });
});
