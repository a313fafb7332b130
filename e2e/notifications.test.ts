// Notifications with every controller in its own process: a git push webhook reaches the Receiver and the change is
// applied at once (the intervals are an hour); the apply, a broken commit and its recovery each arrive at a
// Slack-format sink and a generic-hmac sink with the right text, revision and signature.
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installCrds } from '@fluxion/api';
import {
  freePort,
  pollUntil,
  startGitHttpServer,
  startWebhookSink,
  useTestNamespace,
  type GitHttpServer,
  type RecordedRequest,
  type TestNamespace,
  type WebhookSink,
} from '@fluxion/testenv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startControllerProcess, type ControllerName, type ControllerProcess } from './support/controller-process.ts';
import { apply, conditionOf, connect, read, type Cluster } from './support/kube.ts';

const webhookToken = 'push-webhook-secret';
const signingKey = 'hmac-signing-key';

interface SlackBody {
  attachments: { color: string; author_name: string; text: string; fields?: { title: string; value: string }[] }[];
}
interface FluxEventBody {
  severity: string;
  message: string;
  reason: string;
  metadata?: Record<string, string>;
}

const configMap = (value: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app-config\ndata:\n  greeting: ${value}\n`;

describe('notifications, each controller its own process', () => {
  let env: TestNamespace;
  let cluster: Cluster;
  let git: GitHttpServer;
  let slack: WebhookSink;
  let hmac: WebhookSink;
  let scratch: string;
  let receiverUrl: string;
  let head: string;
  const controllers = new Map<ControllerName, ControllerProcess>();

  const slackTexts = (predicate: (text: string) => boolean) =>
    slack.requests
      .map((request) => (JSON.parse(request.body) as SlackBody).attachments[0]!)
      .filter((attachment) => predicate(attachment.text));
  const waitForBoth = async (
    what: string,
    predicate: (message: string) => boolean,
  ): Promise<{ slack: SlackBody['attachments'][number]; hmac: RecordedRequest }> => {
    const hmacRequest = await hmac
      .waitFor((request) => predicate((JSON.parse(request.body) as FluxEventBody).message), 60_000)
      .catch(() => {
        throw new Error(`no generic-hmac message ${what}; received: ${hmac.requests.map((r) => r.body).join('\n')}`);
      });
    const slackRequest = await slack.waitFor(
      (request) => predicate((JSON.parse(request.body) as SlackBody).attachments[0]!.text),
      60_000,
    );
    return { slack: (JSON.parse(slackRequest.body) as SlackBody).attachments[0]!, hmac: hmacRequest };
  };
  /** The Receiver's answer as `<status> <body>`, so a failure shows what it said. */
  const pushWebhook = async (): Promise<string> => {
    const path = await pollUntil('Receiver webhook path', async () => {
      const receiver = await read<{ metadata?: object; status?: { webhookPath?: string } }>(
        cluster,
        'notification.toolkit.fluxcd.io/v1',
        'Receiver',
        'git-push',
        env.namespace,
      );
      return receiver?.status?.webhookPath;
    });
    const body = JSON.stringify({ ref: 'refs/heads/main', after: head });
    const headers = {
      'content-type': 'application/json',
      'X-GitHub-Event': 'push',
      'X-Hub-Signature-256': `sha256=${createHmac('sha256', webhookToken).update(body).digest('hex')}`,
    };
    // status.webhookPath is written before the controller's own cache has it: a 404 in that moment is retried
    return pollUntil(
      'Receiver answering on its path',
      async () => {
        const response = await fetch(`${receiverUrl}${path}`, { method: 'POST', body, headers });
        return response.status === 404 ? undefined : `${response.status} ${(await response.text()).trim()}`;
      },
      15_000,
    );
  };
  const appliedAt = (commit: string) =>
    pollUntil(
      `Kustomization app applied at ${commit.slice(0, 7)}`,
      async () => {
        const ks = await read<{ metadata?: object; status?: { lastAppliedRevision?: string } }>(
          cluster,
          'kustomize.toolkit.fluxcd.io/v1',
          'Kustomization',
          'app',
          env.namespace,
        );
        return conditionOf(ks, 'Ready')?.status === 'True' && ks?.status?.lastAppliedRevision === `main@sha1:${commit}`
          ? ks
          : undefined;
      },
      60_000,
    );

  beforeAll(async () => {
    env = await useTestNamespace('e2e-notify');
    cluster = connect(env.kubeconfigPath);
    scratch = mkdtempSync(join(tmpdir(), 'fluxion-e2e-notify-'));
    await installCrds(env.kubeConfig);
    [git, slack, hmac] = await Promise.all([startGitHttpServer(), startWebhookSink(), startWebhookSink()]);
    git.repositories.create('app');
    head = git.repositories.commit('app', { 'deploy/config.yaml': configMap('hello') });
    const receiverPort = await freePort();
    receiverUrl = `http://127.0.0.1:${receiverPort}`;
    const start = async (name: ControllerName, args: string[]) =>
      controllers.set(
        name,
        await startControllerProcess(name, {
          kubeconfigPath: env.kubeconfigPath,
          logFile: join(scratch, `${name}.log`),
          env: { RUNTIME_NAMESPACE: env.namespace },
          args: ['--watch-all-namespaces=false', ...args],
        }),
      );
    await start('notification-controller', ['--events-addr=127.0.0.1:0', `--receiverAddr=127.0.0.1:${receiverPort}`]);
    await start('source-controller', [`--storage-path=${join(scratch, 'storage')}`, '--storage-addr=127.0.0.1:0']);
    await start('kustomize-controller', []);
    const ns = env.namespace;
    await apply(cluster, [
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'slack-webhook', namespace: ns },
        stringData: { address: `${slack.url}/services/T0/B0/X` },
      },
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'hmac', namespace: ns },
        stringData: { address: `${hmac.url}/flux`, token: signingKey },
      },
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'receiver-token', namespace: ns },
        stringData: { token: webhookToken },
      },
      {
        apiVersion: 'notification.toolkit.fluxcd.io/v1beta3',
        kind: 'Provider',
        metadata: { name: 'slack', namespace: ns },
        spec: { type: 'slack', channel: 'deploys', secretRef: { name: 'slack-webhook' } },
      },
      {
        apiVersion: 'notification.toolkit.fluxcd.io/v1beta3',
        kind: 'Provider',
        metadata: { name: 'hmac', namespace: ns },
        spec: { type: 'generic-hmac', secretRef: { name: 'hmac' } },
      },
      ...['slack', 'hmac'].map((provider) => ({
        apiVersion: 'notification.toolkit.fluxcd.io/v1beta3',
        kind: 'Alert',
        metadata: { name: provider, namespace: ns },
        spec: { providerRef: { name: provider }, eventSources: [{ kind: 'Kustomization', name: '*' }] },
      })),
      {
        apiVersion: 'notification.toolkit.fluxcd.io/v1',
        kind: 'Receiver',
        metadata: { name: 'git-push', namespace: ns },
        spec: {
          type: 'github',
          events: ['ping', 'push'],
          secretRef: { name: 'receiver-token' },
          resources: [{ kind: 'GitRepository', name: 'app' }],
        },
      },
      // an hour between syncs: only the webhook can make a push show up within the test
      {
        apiVersion: 'source.toolkit.fluxcd.io/v1',
        kind: 'GitRepository',
        metadata: { name: 'app', namespace: ns },
        spec: { interval: '1h', url: git.urlOf('app'), ref: { branch: 'main' } },
      },
      {
        apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
        kind: 'Kustomization',
        metadata: { name: 'app', namespace: ns },
        spec: {
          interval: '1h',
          path: './deploy',
          prune: true,
          targetNamespace: ns,
          sourceRef: { kind: 'GitRepository', name: 'app' },
        },
      },
    ]);
  });

  afterAll(async () => {
    for (const controller of controllers.values()) await controller.stop();
    await Promise.all([git?.stop(), slack?.stop(), hmac?.stop()]);
    rmSync(scratch, { recursive: true, force: true });
  });

  it('tells both sinks what the first sync applied, with the revision and a valid signature', async () => {
    await appliedAt(head);
    const { slack: attachment, hmac: request } = await waitForBoth('for the first apply', (message) =>
      message.includes(`ConfigMap/${env.namespace}/app-config created`),
    );
    expect(attachment.color).toBe('good');
    expect(attachment.author_name).toBe(`kustomization/app.${env.namespace}`);
    expect(attachment.fields).toContainEqual({ title: 'revision', value: `main@sha1:${head}`, short: false });
    expect(request.headers['x-signature']).toBe(
      `sha256=${createHmac('sha256', signingKey).update(request.body).digest('hex')}`,
    );
    expect((JSON.parse(request.body) as FluxEventBody).metadata?.['revision']).toBe(`main@sha1:${head}`);
  });

  it('applies a pushed commit at once when the push webhook arrives', async () => {
    head = git.repositories.commit('app', { 'deploy/config.yaml': configMap('hello-again') });
    expect(await pushWebhook()).toBe('200 reconcile requested for 1 object(s)');
    await appliedAt(head);
    const { slack: attachment } = await waitForBoth('for the pushed commit', (message) =>
      message.includes(`ConfigMap/${env.namespace}/app-config configured`),
    );
    expect(attachment.fields).toContainEqual({ title: 'revision', value: `main@sha1:${head}`, short: false });
  });

  it('reports a broken commit once, in red, naming the file, and its recovery once', async () => {
    const broken = git.repositories.commit('app', {
      'deploy/config.yaml': 'apiVersion: v1\nkind: ConfigMap\n metadata: [\n',
    });
    head = broken;
    expect(await pushWebhook()).toBe('200 reconcile requested for 1 object(s)');
    const failure = await waitForBoth('for the broken commit', (message) => message.includes('config.yaml'));
    expect(failure.slack.color).toBe('danger');
    const failed = JSON.parse(failure.hmac.body) as FluxEventBody;
    expect(failed.severity).toBe('error');
    expect(failed.metadata?.['revision']).toBe(`main@sha1:${broken}`);

    head = git.repositories.commit('app', { 'deploy/config.yaml': configMap('fixed') });
    expect(await pushWebhook()).toBe('200 reconcile requested for 1 object(s)');
    await appliedAt(head);
    const recovery = await waitForBoth('for the recovery', (message) => message.includes('is Ready again after'));
    expect(recovery.slack.text).toMatch(new RegExp(`^Kustomization ${env.namespace}/app is Ready again after \\d+s`));
    expect(recovery.slack.color).toBe('good');
    // the failure was told once, however often kustomize-controller retried it
    expect(slackTexts((text) => text.includes('config.yaml') && !text.includes('Ready again'))).toHaveLength(1);
  });
});
