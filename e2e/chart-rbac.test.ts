// The chart's RBAC is enough, and no more: the controllers run as the chart's ServiceAccounts
// (impersonated, with the rendered Roles and bindings applied for real) and do their jobs; with
// rbac.clusterAdmin=false kustomize-controller applies only as the ServiceAccount a Kustomization names.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installCrds } from '@fluxion/api';
import { RegistryClient } from '@fluxion/runtime';
import {
  freePort,
  pollUntil,
  pushArtifact,
  startGitHttpServer,
  startOciRegistry,
  startWebhookSink,
  useTestNamespace,
  type GitHttpServer,
  type TestNamespace,
  type WebhookSink,
} from '@fluxion/testenv';
import type { CoreV1Event, KubernetesObject, V1ConfigMap, V1Lease } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeServiceAccountKubeconfig } from './chart/impersonating-kubeconfig.ts';
import { findHelm } from './chart/helm-cli.ts';
import { renderChart } from './chart/render-chart.ts';
import { renderedArgs } from './chart/rendered-args.ts';
import { startControllerProcess, type ControllerName, type ControllerProcess } from './support/controller-process.ts';
import { apply, conditionOf, connect, read, type Cluster } from './support/kube.ts';

const KS = 'kustomize.toolkit.fluxcd.io/v1';
const GIT = 'source.toolkit.fluxcd.io/v1';
const rbacKinds = new Set(['ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding']);
const credentials = { username: 'fluxion', password: 'chart-rbac-secret' };

const configMapFile = (name: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  from: git\n`;

describe('the chart RBAC, used by the controllers themselves', () => {
  let env: TestNamespace;
  let cluster: Cluster;
  let git: GitHttpServer;
  let scratch: string;
  let chartRbac: KubernetesObject[] = [];
  let sink: WebhookSink;
  let receiverUrl: string;
  const controllers = new Map<ControllerName, ControllerProcess>();

  const kustomization = (name: string, path: string, serviceAccountName?: string): object => ({
    apiVersion: KS,
    kind: 'Kustomization',
    metadata: { name, namespace: env.namespace },
    spec: {
      interval: '10m',
      retryInterval: '5s',
      path,
      prune: false,
      targetNamespace: env.namespace,
      sourceRef: { kind: 'GitRepository', name: 'config' },
      ...(serviceAccountName ? { serviceAccountName } : {}),
    },
  });
  const readyCondition = async (kind: string, apiVersion: string, name: string) =>
    conditionOf(await read(cluster, apiVersion, kind, name, env.namespace), 'Ready');

  beforeAll(async () => {
    env = await useTestNamespace('chart-rbac');
    cluster = connect(env.kubeconfigPath);
    scratch = mkdtempSync(join(tmpdir(), 'fluxion-chart-rbac-'));
    await installCrds(env.kubeConfig);

    // Watching only this namespace keeps these controllers away from other test files' objects.
    const rendered = await renderChart(findHelm(), {
      namespace: env.namespace,
      values: {
        installCRDs: 'false',
        'sourceController.watchAllNamespaces': 'false',
        'kustomizeController.watchAllNamespaces': 'false',
        'kustomizeController.rbac.clusterAdmin': 'false',
        'notificationController.watchAllNamespaces': 'false',
      },
    });
    chartRbac = rendered.filter((object) => rbacKinds.has(object.kind ?? ''));
    await apply(cluster, chartRbac, 'fluxion-chart-test');

    // A tenant that may edit this namespace only, as a platform team would set one up.
    await apply(cluster, [
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'tenant', namespace: env.namespace } },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: 'tenant-edit', namespace: env.namespace },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' },
        subjects: [{ kind: 'ServiceAccount', name: 'tenant', namespace: env.namespace }],
      },
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'git-credentials', namespace: env.namespace },
        stringData: credentials,
      },
    ]);

    git = await startGitHttpServer({ auth: credentials });
    git.repositories.create('config');
    git.repositories.commit('config', {
      'tenant/configmap.yaml': configMapFile('applied-as-tenant'),
      'controller/configmap.yaml': configMapFile('applied-as-controller'),
    });

    sink = await startWebhookSink();
    const receiverPort = await freePort();
    receiverUrl = `http://127.0.0.1:${receiverPort}`;
    // The args the chart renders; only what is pod-local is swapped for this machine's: the ports (the process
    // helper picks free ones), the emptyDir, and the Service name (it resolves in a cluster, not here).
    const artifactStore = {
      'storage-path': join(scratch, 'storage'),
      'storage-addr': '127.0.0.1:0',
      'storage-adv-addr': null,
    };
    const eventIntake = { 'events-addr': '127.0.0.1:0', receiverAddr: `127.0.0.1:${receiverPort}` };
    const podLocal = {
      'source-controller': artifactStore,
      'kustomize-controller': {},
      'notification-controller': eventIntake,
    };
    for (const name of ['source-controller', 'kustomize-controller', 'notification-controller'] as const) {
      const kubeconfigPath = writeServiceAccountKubeconfig(
        env.kubeconfigPath,
        env.namespace,
        name,
        join(scratch, `${name}.kubeconfig`),
      );
      const hostFlags = { 'metrics-addr': null, 'health-addr': null, ...podLocal[name] };
      const args = renderedArgs(rendered, name, { namespace: env.namespace, hostFlags });
      controllers.set(
        name,
        await startControllerProcess(name, {
          kubeconfigPath,
          logFile: join(scratch, `${name}.log`),
          env: { RUNTIME_NAMESPACE: env.namespace },
          args,
        }),
      );
    }

    await apply(cluster, [
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'receiver-token', namespace: env.namespace },
        stringData: { token: 'chart-rbac-token' },
      },
      {
        apiVersion: 'notification.toolkit.fluxcd.io/v1beta3',
        kind: 'Provider',
        metadata: { name: 'sink', namespace: env.namespace },
        spec: { type: 'generic', address: `${sink.url}/events` },
      },
      {
        apiVersion: 'notification.toolkit.fluxcd.io/v1beta3',
        kind: 'Alert',
        metadata: { name: 'sources', namespace: env.namespace },
        spec: { providerRef: { name: 'sink' }, eventSources: [{ kind: 'GitRepository', name: '*' }] },
      },
      {
        apiVersion: 'notification.toolkit.fluxcd.io/v1',
        kind: 'Receiver',
        metadata: { name: 'push', namespace: env.namespace },
        spec: {
          type: 'generic',
          secretRef: { name: 'receiver-token' },
          resources: [{ kind: 'GitRepository', name: 'config' }],
        },
      },
      {
        apiVersion: GIT,
        kind: 'GitRepository',
        metadata: { name: 'config', namespace: env.namespace },
        spec: {
          interval: '10m',
          url: git.urlOf('config'),
          ref: { branch: 'main' },
          secretRef: { name: 'git-credentials' },
        },
      },
      kustomization('as-tenant', './tenant', 'tenant'),
      kustomization('as-controller', './controller'),
    ]);
  });

  afterAll(async () => {
    // Deleted while the controllers still run, so their finalizers are removed and the namespace can go.
    for (const [apiVersion, kind, name] of [
      [KS, 'Kustomization', 'as-tenant'],
      [KS, 'Kustomization', 'as-controller'],
      [GIT, 'GitRepository', 'config'],
    ] as const) {
      await cluster?.objects
        .delete({ apiVersion, kind, metadata: { name, namespace: env.namespace } })
        .catch(() => undefined);
      await pollUntil(
        `${kind} ${name} deleted`,
        async () => ((await read(cluster, apiVersion, kind, name, env.namespace)) ? undefined : true),
        60_000,
      ).catch(() => undefined);
    }
    for (const controller of controllers.values()) await controller.stop();
    await git?.stop();
    await sink?.stop();
    // Cluster-scoped, so the namespace's deletion does not take them.
    for (const object of chartRbac.filter((candidate) => !candidate.metadata?.namespace)) {
      await cluster.objects.delete(object).catch(() => undefined);
    }
    rmSync(scratch, { recursive: true, force: true });
  });

  it('lets source-controller read the Secret a GitRepository names, fetch it, write its status and hold its Lease', async () => {
    const ready = await pollUntil(
      'GitRepository config Ready',
      async () => {
        const condition = await readyCondition('GitRepository', GIT, 'config');
        return condition?.status === 'True' ? condition : undefined;
      },
      90_000,
    );
    expect(ready.reason).toBe('Succeeded');
    const lease = await read<V1Lease>(
      cluster,
      'coordination.k8s.io/v1',
      'Lease',
      'source-controller-leader-election',
      env.namespace,
    );
    expect(lease?.spec?.holderIdentity).toBeTruthy();
  });

  it('lets source-controller record Events on its objects', async () => {
    const events = await pollUntil('an Event about GitRepository config', async () => {
      const list = (await cluster.objects.list('v1', 'Event', env.namespace)).items as CoreV1Event[];
      const found = list.filter(
        (event) => event.involvedObject.kind === 'GitRepository' && event.involvedObject.name === 'config',
      );
      return found.length > 0 ? found : undefined;
    });
    expect(events.map((event) => event.reason)).toContain('NewArtifact');
  });

  it('lets kustomize-controller apply as the ServiceAccount a Kustomization names', async () => {
    await pollUntil(
      'Kustomization as-tenant Ready',
      async () => ((await readyCondition('Kustomization', KS, 'as-tenant'))?.status === 'True' ? true : undefined),
      90_000,
    );
    const applied = await read<V1ConfigMap>(cluster, 'v1', 'ConfigMap', 'applied-as-tenant', env.namespace);
    expect(applied?.data).toEqual({ from: 'git' });
    const lease = await read<V1Lease>(
      cluster,
      'coordination.k8s.io/v1',
      'Lease',
      'kustomize-controller-leader-election',
      env.namespace,
    );
    expect(lease?.spec?.holderIdentity).toBeTruthy();
  });

  it('keeps kustomize-controller itself from applying anything without cluster-admin', async () => {
    const failed = await pollUntil(
      'Kustomization as-controller failing',
      async () => {
        const condition = await readyCondition('Kustomization', KS, 'as-controller');
        return condition?.status === 'False' && /forbidden/i.test(condition.message ?? '') ? condition : undefined;
      },
      90_000,
    );
    expect(failed.message).toContain(`system:serviceaccount:${env.namespace}:kustomize-controller`);
    expect(await read(cluster, 'v1', 'ConfigMap', 'applied-as-controller', env.namespace)).toBeUndefined();
  });

  it('lets source-controller pull an OCIRepository with the imagePullSecrets of the ServiceAccount it names', async () => {
    const registry = await startOciRegistry({ auth: { kind: 'basic', ...credentials } });
    try {
      const push = new RegistryClient({ registry: registry.host, insecure: true, credentials });
      const pushed = await pushArtifact(push, {
        repository: 'rbac/app',
        tag: 'v1',
        files: { 'cm.yaml': configMapFile('from-oci') },
      });
      push.close();
      const auth = Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64');
      await apply(cluster, [
        {
          apiVersion: 'v1',
          kind: 'Secret',
          type: 'kubernetes.io/dockerconfigjson',
          metadata: { name: 'registry-pull', namespace: env.namespace },
          stringData: { '.dockerconfigjson': JSON.stringify({ auths: { [registry.host]: { auth } } }) },
        },
        {
          apiVersion: 'v1',
          kind: 'ServiceAccount',
          metadata: { name: 'puller', namespace: env.namespace },
          imagePullSecrets: [{ name: 'registry-pull' }],
        },
        {
          apiVersion: GIT,
          kind: 'OCIRepository',
          metadata: { name: 'oci', namespace: env.namespace },
          spec: {
            interval: '10m',
            url: `oci://${registry.host}/rbac/app`,
            ref: { tag: 'v1' },
            insecure: true,
            serviceAccountName: 'puller',
          },
        },
      ]);
      const source = await pollUntil(
        'OCIRepository oci Ready',
        async () => {
          const object = await read<KubernetesObject & { status?: { artifact?: { revision?: string } } }>(
            cluster,
            GIT,
            'OCIRepository',
            'oci',
            env.namespace,
          );
          return conditionOf(object, 'Ready')?.status === 'True' ? object : undefined;
        },
        60_000,
      );
      expect(source.status?.artifact?.revision).toBe(pushed.revision);
    } finally {
      await cluster.objects
        .delete({ apiVersion: GIT, kind: 'OCIRepository', metadata: { name: 'oci', namespace: env.namespace } })
        .catch(() => undefined);
      await pollUntil(
        'OCIRepository oci deleted',
        async () => ((await read(cluster, GIT, 'OCIRepository', 'oci', env.namespace)) ? undefined : true),
        60_000,
      ).catch(() => undefined);
      await registry.stop();
    }
  });

  it('lets notification-controller watch the Events, read Alerts, Providers and Secrets, keep its checkpoint and hold its Lease', async () => {
    const delivered = await sink.waitFor((request) => request.body.includes('"reason":"NewArtifact"'), 90_000);
    expect(JSON.parse(delivered.body)).toMatchObject({
      involvedObject: { kind: 'GitRepository', name: 'config' },
      severity: 'info',
    });
    await pollUntil(
      'the event checkpoint ConfigMap',
      async () => read<V1ConfigMap>(cluster, 'v1', 'ConfigMap', 'notification-controller-events', env.namespace),
      30_000,
    );
    const lease = await read<V1Lease>(
      cluster,
      'coordination.k8s.io/v1',
      'Lease',
      'notification-controller-leader-election',
      env.namespace,
    );
    expect(lease?.spec?.holderIdentity).toBeTruthy();
  });

  it('lets notification-controller write Receiver status and annotate the targets of a webhook call', async () => {
    const path = await pollUntil(
      'Receiver push Ready',
      async () => {
        const receiver = await read<KubernetesObject & { status?: { webhookPath?: string } }>(
          cluster,
          'notification.toolkit.fluxcd.io/v1',
          'Receiver',
          'push',
          env.namespace,
        );
        return conditionOf(receiver, 'Ready')?.status === 'True' ? receiver?.status?.webhookPath : undefined;
      },
      60_000,
    );
    const answer = await pollUntil('the Receiver answering', async () => {
      const response = await fetch(`${receiverUrl}${path}`, { method: 'POST', body: '{}' });
      return response.status === 404 ? undefined : `${response.status} ${(await response.text()).trim()}`;
    });
    expect(answer).toBe('200 reconcile requested for 1 object(s)');
    const repository = await read(cluster, GIT, 'GitRepository', 'config', env.namespace);
    expect(repository?.metadata?.annotations?.['reconcile.fluxcd.io/requestedAt']).toBeTruthy();
  });
});
