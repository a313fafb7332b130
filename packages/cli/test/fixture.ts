// The cluster the CLI tests look at: Flux's CRDs, a git repository with an app, a GitRepository and a Kustomization.
import { installCrds } from '@fluxion/api';
import { createClient, type KubeClient } from '@fluxion/runtime';
import { startGitHttpServer, useTestNamespace, type GitHttpServer, type TestNamespace } from '@fluxion/testenv';
import { stringify } from 'yaml';

export interface CliFixture {
  env: TestNamespace;
  client: KubeClient;
  git: GitHttpServer;
  head: string;
  commitConfig(value: string): string;
  apply(...objects: object[]): Promise<void>;
  stop(): Promise<void>;
}

export function appFiles(value: string): Record<string, string> {
  return {
    'deploy/kustomization.yaml': stringify({
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      resources: ['config.yaml', 'secret.yaml'],
    }),
    'deploy/config.yaml': stringify({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'app-config' },
      data: { greeting: value, region: '${region:=local}' },
    }),
    'deploy/secret.yaml': stringify({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'app-secret' },
      stringData: { token: `s3cr3t-${value}` },
    }),
  };
}

export async function startCliFixture(prefix: string): Promise<CliFixture> {
  const env = await useTestNamespace(prefix);
  await installCrds(env.kubeConfig);
  const client = createClient({ kubeconfigPath: env.kubeconfigPath });
  const git = await startGitHttpServer();
  git.repositories.create('app');
  const fixture: CliFixture = {
    env,
    client,
    git,
    head: git.repositories.commit('app', appFiles('hello')),
    commitConfig: (value) => (fixture.head = git.repositories.commit('app', appFiles(value))),
    apply: async (...objects) => {
      for (const object of objects) await client.apply(object as never, { fieldManager: 'cli-test', force: true });
    },
    stop: () => git.stop(),
  };
  return fixture;
}

export function gitRepository(namespace: string, name: string, url: string): object {
  return {
    apiVersion: 'source.toolkit.fluxcd.io/v1',
    kind: 'GitRepository',
    metadata: { name, namespace },
    spec: { interval: '10m', url, ref: { branch: 'main' } },
  };
}

export function kustomization(namespace: string, name: string, spec: Record<string, unknown> = {}): object {
  return {
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    metadata: { name, namespace },
    spec: {
      interval: '10m',
      path: './deploy',
      prune: true,
      targetNamespace: namespace,
      sourceRef: { kind: 'GitRepository', name: 'app' },
      postBuild: { substitute: { region: 'eu-west-1' } },
      ...spec,
    },
  };
}
