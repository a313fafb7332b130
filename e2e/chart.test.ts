// charts/fluxion with the real helm and the real API server: lint, what each toggle renders, and a
// server-side dry-run of the result; the chart's CRDs are packages/api's, byte for byte.
import { join } from 'node:path';
import type { KubeConfig, V1ClusterRole, V1ClusterRoleBinding, V1Deployment, V1Service } from '@kubernetes/client-node';
import { installCrds, loadCrds } from '@fluxion/api';
import { useTestNamespace } from '@fluxion/testenv';
import { beforeAll, describe, expect, it } from 'vitest';
import { crdDrift } from './chart/crd-drift.ts';
import { dryRunApply } from './chart/dry-run-apply.ts';
import { chartDirectory, findHelm, HelmCommandError, repositoryRoot, runHelm } from './chart/helm-cli.ts';
import { findObject, objectIds, objectsOf, renderChart } from './chart/render-chart.ts';

const onlySourceController = { 'kustomizeController.enabled': 'false', 'helmController.enabled': 'false' };
const onlyKustomizeController = { 'sourceController.enabled': 'false', 'helmController.enabled': 'false' };

let kubeConfig: KubeConfig;
let namespace: string;

beforeAll(async () => {
  const env = await useTestNamespace('chart');
  kubeConfig = env.kubeConfig;
  namespace = env.namespace;
  await installCrds(kubeConfig);
});

// Resolved per test, so a missing helm fails each helm test with how to build it, and the drift check still runs.
const render = (values: Record<string, string> = {}) => renderChart(findHelm(), { namespace, values });

function container(deployment: V1Deployment | undefined) {
  const found = deployment?.spec?.template.spec?.containers[0];
  if (!found) throw new Error(`Deployment ${deployment?.metadata?.name ?? '(missing)'} has no container`);
  return found;
}

describe('helm lint', () => {
  it('passes with --strict, with the defaults and with each controller alone', async () => {
    for (const values of [{}, onlySourceController, onlyKustomizeController]) {
      const sets = Object.entries(values).flatMap(([key, value]) => ['--set', `${key}=${String(value)}`]);
      const output = await runHelm(findHelm(), ['lint', '--strict', chartDirectory, ...sets]);
      expect(output).toContain('1 chart(s) linted, 0 chart(s) failed');
    }
  });
});

describe('helm template with the defaults', () => {
  it('renders the CRDs, and the built controllers with their ServiceAccount, RBAC, Lease Role and Deployment', async () => {
    const objects = await render();
    const ids = objectIds(objects);
    for (const crd of loadCrds()) expect(ids).toContain(`CustomResourceDefinition/${crd.metadata.name}`);
    for (const component of [
      'source-controller',
      'kustomize-controller',
      'helm-controller',
      'notification-controller',
    ]) {
      expect(ids).toEqual(
        expect.arrayContaining([
          `ServiceAccount/${component}`,
          `Deployment/${component}`,
          `ClusterRoleBinding/fluxion:${namespace}:${component}`,
          `Role/${component}-leader-election`,
          `RoleBinding/${component}-leader-election`,
        ]),
      );
    }
    expect(ids).toContain('Service/source-controller');
    expect(ids).toEqual(expect.arrayContaining(['Service/notification-controller', 'Service/webhook-receiver']));
    expect(ids).toContain(`ClusterRole/fluxion:${namespace}:source-controller`);
    // Nothing of the controllers that are not built yet, and no optional extras.
    expect(ids.filter((id) => /image-/.test(id))).toEqual([]);
    expect(objects.filter((object) => ['NetworkPolicy', 'ServiceMonitor'].includes(object.kind ?? ''))).toEqual([]);
  });

  it('renders the CRDs as packages/api has them, plus Helm labels and a keep policy', async () => {
    const rendered = (await render()).filter((object) => object.kind === 'CustomResourceDefinition');
    expect(rendered.length).toBe(loadCrds().length);
    for (const crd of rendered) {
      expect(crd.metadata?.annotations?.['helm.sh/resource-policy']).toBe('keep');
      const { 'helm.sh/resource-policy': _keep, ...annotations } = crd.metadata?.annotations ?? {};
      const {
        'app.kubernetes.io/managed-by': _by,
        'app.kubernetes.io/instance': _instance,
        'helm.sh/chart': _chart,
        ...labels
      } = crd.metadata?.labels ?? {};
      const source = loadCrds().find((candidate) => candidate.metadata.name === crd.metadata?.name);
      // The chart adds these maps when the source has none.
      const metadata = {
        ...crd.metadata,
        annotations: Object.keys(annotations).length > 0 ? annotations : undefined,
        labels: Object.keys(labels).length > 0 ? labels : undefined,
      };
      expect({ ...crd, metadata }).toEqual(source);
    }
  });

  it('runs source-controller with its artifact store on an emptyDir, advertised at its Service, probed on --health-addr', async () => {
    const objects = await render();
    const deployment = findObject<V1Deployment>(objects, 'Deployment', 'source-controller');
    const manager = container(deployment);
    expect(manager.args).toEqual(
      expect.arrayContaining([
        '--storage-path=/data',
        '--storage-adv-addr=source-controller.$(RUNTIME_NAMESPACE).svc.cluster.local.',
        '--health-addr=:9440',
        '--metrics-addr=:8080',
        '--enable-leader-election',
        '--watch-all-namespaces=true',
      ]),
    );
    expect(manager.env).toContainEqual({
      name: 'RUNTIME_NAMESPACE',
      valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } },
    });
    expect(manager.livenessProbe?.httpGet).toMatchObject({ path: '/healthz', port: 'healthz' });
    expect(manager.readinessProbe?.httpGet).toMatchObject({ path: '/readyz', port: 'healthz' });
    expect(manager.ports).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'http', containerPort: 9090 }),
        expect.objectContaining({ name: 'http-prom', containerPort: 8080 }),
        expect.objectContaining({ name: 'healthz', containerPort: 9440 }),
      ]),
    );
    expect(manager.volumeMounts).toContainEqual({ name: 'data', mountPath: '/data' });
    expect(deployment?.spec?.template.spec?.volumes).toContainEqual({ name: 'data', emptyDir: {} });
    expect(manager.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
    expect(deployment?.spec?.template.spec?.securityContext).toMatchObject({ runAsNonRoot: true });

    const service = findObject<V1Service>(objects, 'Service', 'source-controller');
    expect(service?.spec?.ports).toEqual([{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }]);
    expect(service?.spec?.selector).toEqual(deployment?.spec?.selector.matchLabels);
  });

  it('lets source-controller get Secrets but not list or watch them, and binds kustomize-controller to cluster-admin', async () => {
    const objects = await render();
    const sourceRole = findObject<V1ClusterRole>(objects, 'ClusterRole', `fluxion:${namespace}:source-controller`);
    const secretRules = sourceRole?.rules?.filter((rule) => rule.resources?.includes('secrets')) ?? [];
    expect(secretRules.flatMap((rule) => rule.verbs)).toEqual(['get']);
    expect(sourceRole?.rules?.some((rule) => rule.verbs.includes('*') || rule.resources?.includes('*'))).toBe(false);

    const kustomizeBinding = findObject<V1ClusterRoleBinding>(
      objects,
      'ClusterRoleBinding',
      `fluxion:${namespace}:kustomize-controller`,
    );
    expect(kustomizeBinding?.roleRef).toEqual({
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: 'cluster-admin',
    });
    expect(kustomizeBinding?.subjects).toEqual([{ kind: 'ServiceAccount', name: 'kustomize-controller', namespace }]);
  });

  it('is accepted by the API server (server-side dry-run apply)', async () => {
    const { rejected, accepted } = await dryRunApply(kubeConfig, await render());
    expect(rejected).toEqual([]);
    const deployment = accepted.find(
      (object) => object.kind === 'Deployment' && object.metadata?.name === 'source-controller',
    ) as V1Deployment | undefined;
    // Defaulted by the server, so it really went through admission.
    expect(deployment?.spec?.strategy?.type).toBe('RollingUpdate');
    expect(deployment?.metadata?.namespace).toBe(namespace);
  });
});

describe('helm template with one controller', () => {
  it('renders only source-controller and the CRDs when kustomize-controller is disabled', async () => {
    const objects = await render(onlySourceController);
    expect(objectIds(objectsOf(objects, 'kustomize-controller'))).toEqual([]);
    expect(objectIds(objects)).toContain('Deployment/source-controller');
    expect(objects.some((object) => object.kind === 'CustomResourceDefinition')).toBe(true);
    expect(JSON.stringify(objects)).not.toContain('cluster-admin');
    const { rejected } = await dryRunApply(kubeConfig, objects);
    expect(rejected).toEqual([]);
  });

  it('renders only kustomize-controller and the CRDs when source-controller is disabled', async () => {
    const objects = await render(onlyKustomizeController);
    expect(objectIds(objectsOf(objects, 'source-controller'))).toEqual([]);
    expect(objectIds(objects)).toContain('Deployment/kustomize-controller');
    const { rejected } = await dryRunApply(kubeConfig, objects);
    expect(rejected).toEqual([]);
  });

  it('renders no CRDs with installCRDs=false', async () => {
    const objects = await render({ installCRDs: 'false' });
    expect(objects.filter((object) => object.kind === 'CustomResourceDefinition')).toEqual([]);
    expect(objectIds(objects)).toContain('Deployment/source-controller');
  });
});

describe('helm template with the other settings', () => {
  it('scopes kustomize-controller without cluster-admin: its own ClusterRole with impersonation, bound in its namespace when it watches only that', async () => {
    const objects = await render({
      'kustomizeController.rbac.clusterAdmin': 'false',
      'kustomizeController.watchAllNamespaces': 'false',
      'kustomizeController.defaultServiceAccount': 'tenant',
      'sourceController.watchAllNamespaces': 'false',
      'notificationController.watchAllNamespaces': 'false',
      'helmController.enabled': 'false',
    });
    expect(JSON.stringify(objects)).not.toContain('cluster-admin');
    const role = findObject<V1ClusterRole>(objects, 'ClusterRole', `fluxion:${namespace}:kustomize-controller`);
    expect(role?.rules).toContainEqual({ apiGroups: [''], resources: ['serviceaccounts'], verbs: ['impersonate'] });
    expect(findObject(objects, 'RoleBinding', 'kustomize-controller')).toMatchObject({
      metadata: { namespace },
      roleRef: { kind: 'ClusterRole', name: `fluxion:${namespace}:kustomize-controller` },
    });
    // Only reading sources stays cluster-wide: a sourceRef may name another namespace.
    expect(objectIds(objects).filter((id) => id.startsWith('ClusterRoleBinding/'))).toEqual([
      `ClusterRoleBinding/fluxion:${namespace}:kustomize-controller-sources`,
    ]);
    const manager = container(findObject<V1Deployment>(objects, 'Deployment', 'kustomize-controller'));
    expect(manager.args).toEqual(
      expect.arrayContaining(['--watch-all-namespaces=false', '--default-service-account=tenant']),
    );
    const { rejected } = await dryRunApply(kubeConfig, objects);
    expect(rejected).toEqual([]);
  });

  it('scopes helm-controller without cluster-admin: impersonation, and HelmCharts it may create and delete', async () => {
    const objects = await render({
      'helmController.rbac.clusterAdmin': 'false',
      'helmController.defaultServiceAccount': 'tenant',
      'kustomizeController.enabled': 'false',
    });
    expect(JSON.stringify(objects)).not.toContain('cluster-admin');
    const role = findObject<V1ClusterRole>(objects, 'ClusterRole', `fluxion:${namespace}:helm-controller`);
    expect(role?.rules).toContainEqual({ apiGroups: [''], resources: ['serviceaccounts'], verbs: ['impersonate'] });
    const sources = findObject<V1ClusterRole>(objects, 'ClusterRole', `fluxion:${namespace}:helm-controller-sources`);
    expect(sources?.rules).toContainEqual({
      apiGroups: ['source.toolkit.fluxcd.io'],
      resources: ['helmcharts'],
      verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'],
    });
    expect(container(findObject<V1Deployment>(objects, 'Deployment', 'helm-controller')).args).toContain(
      '--default-service-account=tenant',
    );
    const { rejected } = await dryRunApply(kubeConfig, objects);
    expect(rejected).toEqual([]);
  });

  it('renders NetworkPolicies that the API server accepts, with the artifact port open to this namespace only', async () => {
    const objects = await render({ 'networkPolicy.enabled': 'true' });
    const policy = findObject(objects, 'NetworkPolicy', 'source-controller') as
      { spec?: { ingress?: { ports: { port: string }[]; from?: unknown[] }[] } } | undefined;
    expect(policy?.spec?.ingress).toContainEqual({
      ports: [{ port: 'http', protocol: 'TCP' }],
      from: [{ podSelector: {} }],
    });
    expect(findObject(objects, 'NetworkPolicy', 'kustomize-controller')).toBeDefined();
    const { rejected } = await dryRunApply(
      kubeConfig,
      objects.filter((object) => object.kind === 'NetworkPolicy'),
    );
    expect(rejected).toEqual([]);
  });

  it('renders a metrics Service and ServiceMonitor per controller when serviceMonitor.enabled', async () => {
    const objects = await render({ 'serviceMonitor.enabled': 'true', 'sourceController.enabled': 'false' });
    expect(objectIds(objects)).toEqual(
      expect.arrayContaining(['Service/kustomize-controller-metrics', 'ServiceMonitor/kustomize-controller']),
    );
    expect(objectIds(objects)).not.toContain('ServiceMonitor/source-controller');
    // The monitoring.coreos.com CRDs are not in the test cluster: only the Service goes to the API server.
    const { rejected } = await dryRunApply(
      kubeConfig,
      objects.filter((object) => object.kind === 'Service'),
    );
    expect(rejected).toEqual([]);
  });

  it('passes extra flags, image and scheduling settings through', async () => {
    const objects = await render({
      'sourceController.extraArgs[0]': '--artifact-retention-records=5',
      'sourceController.image.tag': 'v9.9.9',
      'sourceController.nodeSelector.disk': 'ssd',
      'imagePullSecrets[0]': 'registry-credentials',
    });
    const deployment = findObject<V1Deployment>(objects, 'Deployment', 'source-controller');
    const manager = container(deployment);
    expect(manager.args?.at(-1)).toBe('--artifact-retention-records=5');
    expect(manager.image).toBe('ghcr.io/fluxion/source-controller:v9.9.9');
    expect(deployment?.spec?.template.spec?.nodeSelector).toEqual({ disk: 'ssd' });
    expect(deployment?.spec?.template.spec?.imagePullSecrets).toEqual([{ name: 'registry-credentials' }]);
  });

  it('refuses several replicas without leader election', async () => {
    const failure = await render({
      'kustomizeController.replicas': '2',
      'kustomizeController.leaderElection': 'false',
    }).catch((error: unknown) => error);
    expect((failure as HelmCommandError).stderr).toContain(
      'kustomize-controller: replicas=2 needs leaderElection=true',
    );
  });
});

describe('the chart CRDs', () => {
  it('are the files of packages/api/crds, byte for byte (sync: charts/fluxion/scripts/sync-crds.sh)', () => {
    expect(crdDrift(join(repositoryRoot, 'packages', 'api', 'crds'), join(chartDirectory, 'files', 'crds'))).toEqual(
      [],
    );
  });
});
