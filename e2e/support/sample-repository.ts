// The fleet repository the demo and the e2e scenarios sync: laid out as platform teams do,
// an app with base/ and overlays/dev|staging|prod, and infra/ that the apps depend on.
import { stringify } from 'yaml';

export const PODINFO_IMAGE = 'ghcr.io/stefanprodan/podinfo';
export const ENVIRONMENTS = ['dev', 'staging', 'prod'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];
export const REPLICAS: Record<Environment, number> = { dev: 1, staging: 2, prod: 3 };

const yaml = (...docs: object[]): string => docs.map((doc) => stringify(doc)).join('---\n');

export function prodOverlay(tag: string): string {
  return yaml({
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    namespace: 'apps-prod',
    resources: ['../../base'],
    replicas: [{ name: 'podinfo', count: REPLICAS.prod }],
    images: [{ name: PODINFO_IMAGE, newTag: tag }],
  });
}

export function baseKustomization(withFeatureFlags: boolean): string {
  return yaml({
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    labels: [{ pairs: { 'app.kubernetes.io/name': 'podinfo' }, includeSelectors: true }],
    resources: ['deployment.yaml', 'service.yaml', ...(withFeatureFlags ? ['feature-flags.yaml'] : [])],
    configMapGenerator: [{ name: 'podinfo-env', literals: ['PODINFO_UI_MESSAGE=deployed by Fluxion'] }],
  });
}

/** `infraExtras`: more files for infra/ (e.g. SOPS-encrypted ones, see sops-fleet.ts), added to its resources. */
export function fleetRepositoryFiles(options: { infraExtras?: Record<string, string> } = {}): Record<string, string> {
  const extras = options.infraExtras ?? {};
  return {
    'README.md': '# fleet\n\nWhat the demo cluster runs. Fluxion keeps the cluster equal to this repository.\n',
    'infra/kustomization.yaml': yaml({
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      resources: ['namespaces.yaml', 'platform-settings.yaml', ...Object.keys(extras)],
    }),
    ...Object.fromEntries(Object.entries(extras).map(([name, text]) => [`infra/${name}`, text])),
    'infra/namespaces.yaml': yaml(
      ...['platform', ...ENVIRONMENTS.map((env) => `apps-${env}`)].map((name) => ({
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name, labels: { 'fleet.example.com/tier': name === 'platform' ? 'infra' : 'apps' } },
      })),
    ),
    'infra/platform-settings.yaml': yaml({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'platform-settings', namespace: 'platform' },
      data: { cluster: 'demo', region: 'local' },
    }),
    'apps/podinfo/base/kustomization.yaml': baseKustomization(true),
    'apps/podinfo/base/deployment.yaml': yaml({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'podinfo' },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'podinfo' } },
        template: {
          metadata: { labels: { app: 'podinfo' } },
          spec: {
            containers: [
              {
                name: 'podinfo',
                image: `${PODINFO_IMAGE}:6.5.0`,
                ports: [{ name: 'http', containerPort: 9898 }],
                envFrom: [{ configMapRef: { name: 'podinfo-env' } }],
              },
            ],
          },
        },
      },
    }),
    'apps/podinfo/base/service.yaml': yaml({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'podinfo' },
      spec: { selector: { app: 'podinfo' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
    }),
    'apps/podinfo/base/feature-flags.yaml': yaml({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'podinfo-feature-flags' },
      data: { 'new-checkout': 'false' },
    }),
    ...Object.fromEntries(
      (['dev', 'staging'] as const).map((env) => [
        `apps/podinfo/overlays/${env}/kustomization.yaml`,
        yaml({
          apiVersion: 'kustomize.config.k8s.io/v1beta1',
          kind: 'Kustomization',
          namespace: `apps-${env}`,
          resources: ['../../base'],
          replicas: [{ name: 'podinfo', count: REPLICAS[env] }],
        }),
      ]),
    ),
    'apps/podinfo/overlays/prod/kustomization.yaml': prodOverlay('6.5.0'),
  };
}

/** The Flux objects that sync the fleet: one GitRepository, infra, and one app Kustomization per environment. */
export function fleetSyncObjects(
  namespace: string,
  gitUrl: string,
  options: { infraSpec?: Record<string, unknown> } = {},
): object[] {
  const kustomization = (
    name: string,
    path: string,
    dependsOn: string[],
    extraSpec: Record<string, unknown> = {},
  ): object => ({
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    metadata: { name, namespace },
    spec: {
      interval: '10m',
      retryInterval: '10s',
      timeout: '2m',
      path,
      prune: true,
      wait: true,
      sourceRef: { kind: 'GitRepository', name: 'fleet' },
      ...(dependsOn.length ? { dependsOn: dependsOn.map((dep) => ({ name: dep })) } : {}),
      ...extraSpec,
    },
  });
  return [
    {
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'GitRepository',
      metadata: { name: 'fleet', namespace },
      spec: { interval: '10m', url: gitUrl, ref: { branch: 'main' } },
    },
    kustomization('infra', './infra', [], options.infraSpec),
    ...ENVIRONMENTS.map((env) => kustomization(`podinfo-${env}`, `./apps/podinfo/overlays/${env}`, ['infra'])),
  ];
}
