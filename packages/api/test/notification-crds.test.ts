// Flux's notification manifests against a real API server: Provider and Alert at v1beta3, Receiver at v1.
import { ApiException, CustomObjectsApi } from '@kubernetes/client-node';
import { useTestNamespace } from '@fluxion/testenv';
import { beforeAll, describe, expect, it } from 'vitest';
import { installCrds } from '../src/index.ts';
import type { Alert, Provider, Receiver } from '../src/index.ts';

type NotificationObject = Provider | Alert | Receiver;
const plurals = { Provider: 'providers', Alert: 'alerts', Receiver: 'receivers' } as const;

let api: CustomObjectsApi;
let namespace: string;

beforeAll(async () => {
  const env = await useTestNamespace('api-notification');
  namespace = env.namespace;
  await installCrds(env.kubeConfig);
  api = env.kubeConfig.makeApiClient(CustomObjectsApi);
});

async function create<T extends NotificationObject>(object: T): Promise<T> {
  const [group = '', version = ''] = object.apiVersion.split('/');
  return (await api.createNamespacedCustomObject({
    group,
    version,
    plural: plurals[object.kind],
    namespace,
    body: object,
  })) as T;
}

async function rejection(object: NotificationObject): Promise<string> {
  try {
    await create(object);
  } catch (error) {
    if (error instanceof ApiException) {
      expect(error.code).toBe(422);
      return String(typeof error.body === 'string' ? error.body : JSON.stringify(error.body));
    }
    throw error;
  }
  throw new Error(`${object.kind} ${object.metadata?.name} was accepted but should have been rejected`);
}

describe('notification.toolkit.fluxcd.io', () => {
  it('accepts a Slack bot Provider at v1beta3', async () => {
    const created = await create<Provider>({
      apiVersion: 'notification.toolkit.fluxcd.io/v1beta3',
      kind: 'Provider',
      metadata: { name: 'slack-bot' },
      spec: {
        type: 'slack',
        channel: 'general',
        address: 'https://slack.com/api/chat.postMessage',
        secretRef: { name: 'slack-bot-token' },
      },
    });
    expect(created.spec?.type).toBe('slack');
  });

  it('rejects an unknown Provider type and a commitStatusExpr on a chat provider', async () => {
    const base = { apiVersion: 'notification.toolkit.fluxcd.io/v1beta3', kind: 'Provider' } as const;
    expect(await rejection({ ...base, metadata: { name: 'pigeon' }, spec: { type: 'pigeon' as 'slack' } })).toContain(
      'spec.type',
    );
    expect(
      await rejection({ ...base, metadata: { name: 'expr' }, spec: { type: 'slack', commitStatusExpr: "'x'" } }),
    ).toContain('commitStatusExpr is only supported');
  });

  it('defaults an Alert to eventSeverity info and refuses an unknown kind', async () => {
    const alert: Alert = {
      apiVersion: 'notification.toolkit.fluxcd.io/v1beta3',
      kind: 'Alert',
      metadata: { name: 'on-call' },
      spec: {
        summary: 'Cluster addons impacted in us-east-2',
        providerRef: { name: 'slack-bot' },
        eventSources: [
          { kind: 'GitRepository', name: '*' },
          { kind: 'Kustomization', name: '*', matchLabels: { team: 'ops' } },
        ],
        exclusionList: ['.*upgrade.*has.*started'],
      },
    };
    const created = await create(alert);
    expect(created.spec?.eventSeverity).toBe('info');
    const wrongKind = {
      ...alert,
      metadata: { name: 'bad' },
      spec: { ...alert.spec!, eventSources: [{ kind: 'Deployment' as 'Bucket', name: 'x' }] },
    };
    expect(await rejection(wrongKind)).toContain('eventSources[0].kind');
  });

  it('defaults a Receiver to a 10m interval and starts its status at observedGeneration -1', async () => {
    const created = await create<Receiver>({
      apiVersion: 'notification.toolkit.fluxcd.io/v1',
      kind: 'Receiver',
      metadata: { name: 'github-receiver' },
      spec: {
        type: 'github',
        events: ['ping', 'push'],
        secretRef: { name: 'receiver-token' },
        resources: [{ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', name: 'webapp' }],
      },
    });
    expect(created.spec?.interval).toBe('10m');
    expect(created.status).toEqual({ observedGeneration: -1 });
  });
});
