// The chart's image-reflector-controller RBAC is enough, and no more: the controller runs as its own process as the
// chart's ServiceAccount (impersonated, with the rendered ClusterRole, binding and Lease Role applied for real), logs in
// to a registry with a ServiceAccount's imagePullSecrets, writes ImageRepository and ImagePolicy status, records
// Events and holds its Lease; the API server refuses it what it does not need.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installCrds } from '@fluxion/api';
import { RegistryClient, ociMediaTypes } from '@fluxion/runtime';
import { pollUntil, startOciRegistry, useTestNamespace, type OciRegistry, type TestNamespace } from '@fluxion/testenv';
import { AuthorizationV1Api, type CoreV1Event, type KubernetesObject, type V1Lease } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeServiceAccountKubeconfig } from './chart/impersonating-kubeconfig.ts';
import { findHelm } from './chart/helm-cli.ts';
import { renderChart } from './chart/render-chart.ts';
import { renderedArgs } from './chart/rendered-args.ts';
import { startControllerProcess, type ControllerProcess } from './support/controller-process.ts';
import { apply, conditionOf, connect, read, type Cluster } from './support/kube.ts';

const IMAGE = 'image.toolkit.fluxcd.io/v1';
const component = 'image-reflector-controller';
const credentials = { username: 'ci', password: 'chart-rbac-registry-pass' };

describe('the chart RBAC of image-reflector-controller, used by the controller itself', () => {
  let env: TestNamespace;
  let cluster: Cluster;
  let registry: OciRegistry;
  let scratch: string;
  let chartRbac: KubernetesObject[] = [];
  let controller: ControllerProcess | undefined;

  beforeAll(async () => {
    env = await useTestNamespace('chart-rbac-irc');
    cluster = connect(env.kubeconfigPath);
    scratch = mkdtempSync(join(tmpdir(), 'fluxion-chart-rbac-irc-'));
    await installCrds(env.kubeConfig);
    const rendered = await renderChart(findHelm(), {
      namespace: env.namespace,
      values: {
        installCRDs: 'false',
        'sourceController.enabled': 'false',
        'kustomizeController.enabled': 'false',
        'helmController.enabled': 'false',
        'notificationController.enabled': 'false',
        'imageReflectorController.enabled': 'true',
        'imageReflectorController.watchAllNamespaces': 'false',
      },
    });
    chartRbac = rendered.filter((object) =>
      ['ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding'].includes(object.kind ?? ''),
    );
    expect(chartRbac.map((object) => object.metadata?.labels?.['app.kubernetes.io/name'])).toEqual(
      chartRbac.map(() => component),
    );
    await apply(cluster, chartRbac, 'fluxion-chart-test');

    registry = await startOciRegistry({ auth: { kind: 'basic', ...credentials } });
    const client = new RegistryClient({ registry: registry.host, insecure: true, credentials });
    const config = await client.pushBlob('team/web', Buffer.from('{}'), ociMediaTypes.ociEmptyConfig);
    const layer = await client.pushBlob('team/web', Buffer.from('web'), ociMediaTypes.ociLayerTarGzip);
    for (const tag of ['1.25.0', '1.26.0']) {
      await client.pushManifest(
        'team/web',
        tag,
        { schemaVersion: 2, mediaType: ociMediaTypes.ociImageManifest, config, layers: [layer] },
        ociMediaTypes.ociImageManifest,
      );
    }
    client.close();

    const auth = Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64');
    await apply(cluster, [
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'registry-login', namespace: env.namespace },
        type: 'kubernetes.io/dockerconfigjson',
        stringData: { '.dockerconfigjson': JSON.stringify({ auths: { [registry.host]: { auth } } }) },
      },
      {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { name: 'puller', namespace: env.namespace },
        imagePullSecrets: [{ name: 'registry-login' }],
      },
      {
        apiVersion: IMAGE,
        kind: 'ImageRepository',
        metadata: { name: 'web', namespace: env.namespace },
        spec: { image: `${registry.host}/team/web`, interval: '10m', insecure: true, serviceAccountName: 'puller' },
      },
      {
        apiVersion: IMAGE,
        kind: 'ImagePolicy',
        metadata: { name: 'web', namespace: env.namespace },
        spec: {
          imageRepositoryRef: { name: 'web' },
          policy: { semver: { range: '1.x' } },
          digestReflectionPolicy: 'IfNotPresent',
        },
      },
    ]);

    const kubeconfigPath = writeServiceAccountKubeconfig(
      env.kubeconfigPath,
      env.namespace,
      component,
      join(scratch, 'controller.kubeconfig'),
    );
    controller = await startControllerProcess(component, {
      kubeconfigPath,
      logFile: join(scratch, 'controller.log'),
      env: { RUNTIME_NAMESPACE: env.namespace },
      // The args the chart renders, but for the ports: the process helper picks free ones on this shared machine.
      args: renderedArgs(rendered, component, {
        namespace: env.namespace,
        hostFlags: { 'metrics-addr': null, 'health-addr': null },
      }),
    });
  });

  afterAll(async () => {
    await controller?.stop();
    await registry?.stop();
    for (const object of chartRbac.filter((candidate) => !candidate.metadata?.namespace))
      await cluster.objects.delete(object).catch(() => undefined);
    rmSync(scratch, { recursive: true, force: true });
  });

  it('scans with the imagePullSecrets of a ServiceAccount, chooses the tag and its digest, and holds its Lease', async () => {
    const policy = await pollUntil(
      'ImagePolicy web Ready',
      async () => {
        const object = await read<KubernetesObject & { status?: { latestRef?: { tag: string; digest?: string } } }>(
          cluster,
          IMAGE,
          'ImagePolicy',
          'web',
          env.namespace,
        );
        return conditionOf(object, 'Ready')?.status === 'True' ? object : undefined;
      },
      60_000,
    );
    expect(policy.status?.latestRef?.tag).toBe('1.26.0');
    expect(policy.status?.latestRef?.digest).toMatch(/^sha256:[a-f0-9]{64}$/);
    const lease = await read<V1Lease>(
      cluster,
      'coordination.k8s.io/v1',
      'Lease',
      `${component}-leader-election`,
      env.namespace,
    );
    expect(lease?.spec?.holderIdentity).toBeTruthy();
    const events = (await cluster.objects.list('v1', 'Event', env.namespace)).items as CoreV1Event[];
    expect(
      events.some((event) => event.involvedObject.kind === 'ImagePolicy' && event.source?.component === component),
    ).toBe(true);
  });

  it('is refused what it does not need: listing Secrets, changing specs, deleting, writing other kinds', async () => {
    const authorization = env.kubeConfig.makeApiClient(AuthorizationV1Api);
    const allowed = async (verb: string, group: string, resource: string, subresource = ''): Promise<boolean> => {
      const review = await authorization.createSubjectAccessReview({
        body: {
          spec: {
            user: `system:serviceaccount:${env.namespace}:${component}`,
            groups: ['system:serviceaccounts', `system:serviceaccounts:${env.namespace}`, 'system:authenticated'],
            resourceAttributes: { namespace: env.namespace, verb, group, resource, subresource },
          },
        },
      });
      return review.status?.allowed ?? false;
    };
    expect(await allowed('get', '', 'secrets')).toBe(true);
    expect(await allowed('patch', 'image.toolkit.fluxcd.io', 'imagepolicies', 'status')).toBe(true);
    for (const [verb, group, resource] of [
      ['list', '', 'secrets'],
      ['update', 'image.toolkit.fluxcd.io', 'imagerepositories'],
      ['patch', 'image.toolkit.fluxcd.io', 'imagepolicies'],
      ['delete', 'image.toolkit.fluxcd.io', 'imagerepositories'],
      ['get', 'image.toolkit.fluxcd.io', 'imageupdateautomations'],
      ['create', '', 'configmaps'],
      ['patch', 'apps', 'deployments'],
    ] as const) {
      expect(await allowed(verb, group, resource), `${verb} ${group}/${resource}`).toBe(false);
    }
  });
});
