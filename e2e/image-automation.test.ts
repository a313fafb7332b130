// The image-automation loop of the seeds, every controller its own process: CI pushes web:1.26.0 to the registry;
// image-reflector-controller lists it and the ImagePolicy picks it; image-automation-controller (as the chart's
// ServiceAccount, with the chart's RBAC) commits the new tag, signed, to the config repository; source-controller
// fetches it and kustomize-controller rolls the Deployment to 1.26.0.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installCrds } from '@fluxion/api';
import { ociMediaTypes, RegistryClient } from '@fluxion/runtime';
import {
  type GitHttpServer,
  pollUntil,
  startGitHttpServer,
  startOciRegistry,
  type OciRegistry,
  type TestNamespace,
  useTestNamespace,
} from '@fluxion/testenv';
import { AuthorizationV1Api, type KubernetesObject, type V1Deployment } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeServiceAccountKubeconfig } from './chart/impersonating-kubeconfig.ts';
import { findHelm } from './chart/helm-cli.ts';
import { renderChart } from './chart/render-chart.ts';
import { type ControllerName, type ControllerProcess, startControllerProcess } from './support/controller-process.ts';
import { apply, conditionOf, connect, read, requestReconcile, type Cluster } from './support/kube.ts';

const IMAGE = 'image.toolkit.fluxcd.io/v1';
const SOURCE = 'source.toolkit.fluxcd.io/v1';
const component = 'image-automation-controller';
const gitCredentials = { username: 'flux', password: 'e2e-push-secret' };

interface Automation extends KubernetesObject {
  status?: { lastPushCommit?: string; observedPolicies?: Record<string, { tag: string }> };
}

describe('image automation loop, each controller its own process', () => {
  let env: TestNamespace;
  let cluster: Cluster;
  let git: GitHttpServer;
  let registry: OciRegistry;
  let scratch: string;
  let gpgHome: string;
  let chartRbac: KubernetesObject[] = [];
  const controllers: ControllerProcess[] = [];

  const pushTag = async (tag: string) => {
    const client = new RegistryClient({ registry: registry.host, insecure: true });
    const config = await client.pushBlob('team/web', Buffer.from('{}'), ociMediaTypes.ociEmptyConfig);
    const layer = await client.pushBlob('team/web', Buffer.from(`web ${tag}`), ociMediaTypes.ociLayerTarGzip);
    await client.pushManifest(
      'team/web',
      tag,
      { schemaVersion: 2, mediaType: ociMediaTypes.ociImageManifest, config, layers: [layer] },
      ociMediaTypes.ociImageManifest,
    );
    client.close();
  };
  const deploymentImage = async () =>
    (await read<V1Deployment>(cluster, 'apps/v1', 'Deployment', 'web', env.namespace))?.spec?.template?.spec
      ?.containers?.[0]?.image;
  const start = async (name: ControllerName, kubeconfigPath: string, args: string[] = []) => {
    controllers.push(
      await startControllerProcess(name, {
        kubeconfigPath,
        logFile: join(scratch, `${name}.log`),
        env: { RUNTIME_NAMESPACE: env.namespace },
        args: ['--watch-all-namespaces=false', ...args],
      }),
    );
  };

  beforeAll(async () => {
    env = await useTestNamespace('e2e-img');
    cluster = connect(env.kubeconfigPath);
    scratch = mkdtempSync(join(tmpdir(), 'fluxion-e2e-img-'));
    await installCrds(env.kubeConfig);
    registry = await startOciRegistry();
    await pushTag('1.25.0');
    git = await startGitHttpServer({ auth: gitCredentials });
    git.repositories.create('config');
    git.repositories.commit('config', {
      'app/kustomization.yaml':
        'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - deployment.yaml\n',
      'app/deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: ${env.namespace}
spec:
  replicas: 1
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: ${registry.host}/team/web:1.25.0 # {"$imagepolicy": "${env.namespace}:web"}
`,
    });

    gpgHome = mkdtempSync(join(tmpdir(), 'e2e-gpg-'));
    const gpg = (args: string[]) =>
      execFileSync('gpg', ['--batch', '--quiet', '--passphrase', '', ...args], {
        env: { ...process.env, GNUPGHOME: gpgHome },
        encoding: 'utf8',
      });
    gpg(['--quick-gen-key', 'Fluxion Images <images@fluxion.invalid>', 'ed25519', 'sign', 'never']);

    const rendered = await renderChart(findHelm(), {
      namespace: env.namespace,
      values: {
        installCRDs: 'false',
        'sourceController.enabled': 'false',
        'kustomizeController.enabled': 'false',
        'imageAutomationController.enabled': 'true',
        'imageAutomationController.watchAllNamespaces': 'false',
      },
    });
    chartRbac = rendered.filter((object) =>
      ['ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding'].includes(object.kind ?? ''),
    );
    await apply(cluster, chartRbac, 'fluxion-chart-test');

    await apply(cluster, [
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'git-auth', namespace: env.namespace },
        stringData: gitCredentials,
      },
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'signing', namespace: env.namespace },
        stringData: { 'git.asc': gpg(['--armor', '--export-secret-keys', 'images@fluxion.invalid']) },
      },
      {
        apiVersion: SOURCE,
        kind: 'GitRepository',
        metadata: { name: 'config', namespace: env.namespace },
        spec: { url: git.urlOf('config'), interval: '10m', ref: { branch: 'main' }, secretRef: { name: 'git-auth' } },
      },
      {
        apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
        kind: 'Kustomization',
        metadata: { name: 'web', namespace: env.namespace },
        spec: { interval: '10m', path: './app', prune: true, sourceRef: { kind: 'GitRepository', name: 'config' } },
      },
      {
        apiVersion: IMAGE,
        kind: 'ImageRepository',
        metadata: { name: 'web', namespace: env.namespace },
        spec: { image: `${registry.host}/team/web`, interval: '10m', insecure: true },
      },
      {
        apiVersion: IMAGE,
        kind: 'ImagePolicy',
        metadata: { name: 'web', namespace: env.namespace },
        spec: { imageRepositoryRef: { name: 'web' }, policy: { semver: { range: '1.x' } } },
      },
      {
        apiVersion: IMAGE,
        kind: 'ImageUpdateAutomation',
        metadata: { name: 'web', namespace: env.namespace },
        spec: {
          interval: '10m',
          sourceRef: { kind: 'GitRepository', name: 'config' },
          git: {
            commit: {
              author: { name: 'Fluxion Images', email: 'images@fluxion.invalid' },
              signingKey: { secretRef: { name: 'signing' } },
              messageTemplate: '{{ range .Changed.Changes }}{{ .OldValue }} -> {{ .NewValue }}{{ end }}',
            },
          },
          update: { strategy: 'Setters', path: './app' },
        },
      },
    ]);
    const storage = join(scratch, 'storage');
    await start('source-controller', env.kubeconfigPath, [`--storage-path=${storage}`, '--storage-addr=127.0.0.1:0']);
    await start('kustomize-controller', env.kubeconfigPath);
    await start('image-reflector-controller', env.kubeconfigPath);
    await start(
      component,
      writeServiceAccountKubeconfig(
        env.kubeconfigPath,
        env.namespace,
        component,
        join(scratch, 'automation.kubeconfig'),
      ),
      ['--enable-leader-election'],
    );
  }, 240_000);

  afterAll(async () => {
    for (const controller of controllers) await controller.stop();
    await git?.stop();
    await registry?.stop();
    for (const object of chartRbac.filter((candidate) => !candidate.metadata?.namespace))
      await cluster.objects.delete(object).catch(() => undefined);
    if (gpgHome) {
      try {
        execFileSync('gpgconf', ['--kill', 'gpg-agent'], { env: { ...process.env, GNUPGHOME: gpgHome } });
      } catch {
        // no agent ran
      }
      rmSync(gpgHome, { recursive: true, force: true });
    }
    rmSync(scratch, { recursive: true, force: true });
  });

  it('runs 1.25.0 with nothing to commit, then rolls out 1.26.0 from a registry push through a signed commit', async () => {
    const start = git.repositories.head('config');
    await pollUntil(
      'Deployment web at 1.25.0',
      async () => ((await deploymentImage()) === `${registry.host}/team/web:1.25.0` ? true : undefined),
      120_000,
    );
    const idle = await pollUntil(
      'automation Ready with web:1.25.0 observed',
      async () => {
        const automation = await read<Automation>(cluster, IMAGE, 'ImageUpdateAutomation', 'web', env.namespace);
        return conditionOf(automation, 'Ready')?.status === 'True' &&
          automation?.status?.observedPolicies?.web?.tag === '1.25.0'
          ? automation
          : undefined;
      },
      60_000,
    );
    expect(idle.status?.lastPushCommit).toBeUndefined();
    expect(git.repositories.head('config')).toBe(start);

    // CI pushes a new tag; the registry's webhook reaches a Receiver, which asks for a scan now.
    await pushTag('1.26.0');
    await requestReconcile(cluster, IMAGE, 'ImageRepository', 'web', env.namespace);
    const pushed = await pollUntil(
      'a commit with web:1.26.0',
      async () => {
        const automation = await read<Automation>(cluster, IMAGE, 'ImageUpdateAutomation', 'web', env.namespace);
        return automation?.status?.lastPushCommit ? automation : undefined;
      },
      60_000,
    );
    const head = git.repositories.head('config');
    expect(pushed.status?.lastPushCommit).toBe(head);
    const bare = git.repositories.pathOf('config');
    const show = (args: string[]) =>
      execFileSync('git', args, { cwd: bare, encoding: 'utf8', env: { ...process.env, GNUPGHOME: gpgHome } }).trim();
    expect(show(['log', '-1', '--format=%s', head])).toBe(
      `${registry.host}/team/web:1.25.0 -> ${registry.host}/team/web:1.26.0`,
    );
    expect(show(['show', `${head}:app/deployment.yaml`])).toContain(
      `image: ${registry.host}/team/web:1.26.0 # {"$imagepolicy": "${env.namespace}:web"}`,
    );
    execFileSync('git', ['verify-commit', head], {
      cwd: bare,
      env: { ...process.env, GNUPGHOME: gpgHome },
      stdio: 'ignore',
    });

    // The git host's webhook reaches a Receiver for the GitRepository.
    await requestReconcile(cluster, SOURCE, 'GitRepository', 'config', env.namespace);
    await pollUntil(
      'Deployment web rolled to 1.26.0',
      async () => {
        const deployment = await read<V1Deployment>(cluster, 'apps/v1', 'Deployment', 'web', env.namespace);
        const image = deployment?.spec?.template?.spec?.containers?.[0]?.image;
        return image === `${registry.host}/team/web:1.26.0` && deployment?.status?.updatedReplicas === 1
          ? true
          : undefined;
      },
      120_000,
    );
  });

  it("runs with the chart's RBAC only: refused what it does not need", async () => {
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
    expect(await allowed('patch', 'image.toolkit.fluxcd.io', 'imageupdateautomations', 'status')).toBe(true);
    for (const [verb, group, resource, subresource] of [
      ['list', '', 'secrets', ''],
      ['patch', 'image.toolkit.fluxcd.io', 'imagepolicies', 'status'],
      ['update', 'image.toolkit.fluxcd.io', 'imageupdateautomations', ''],
      ['patch', 'source.toolkit.fluxcd.io', 'gitrepositories', ''],
      ['get', 'image.toolkit.fluxcd.io', 'imagerepositories', ''],
      ['patch', 'apps', 'deployments', ''],
    ] as const) {
      expect(await allowed(verb, group, resource, subresource), `${verb} ${group}/${resource}/${subresource}`).toBe(
        false,
      );
    }
  });
});
