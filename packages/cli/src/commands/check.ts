// fluxion check: the cluster's version, each Flux CRD present at the version Flux serves, each installed controller ready.
import { booleanFlag } from '../args.ts';
import type { CommandContext } from '../command.ts';
import { findControllerDeployments } from '../controller-deployments.ts';
import { fluxKinds, type Controller } from '../flux-kinds.ts';

/** The API version Flux v2.9 serves each kind at; an older CRD means an old controller or a half-done upgrade. */
const expectedVersions: Record<string, string> = {
  GitRepository: 'v1',
  OCIRepository: 'v1',
  HelmRepository: 'v1',
  HelmChart: 'v1',
  Bucket: 'v1',
  ExternalArtifact: 'v1',
  Kustomization: 'v1',
  HelmRelease: 'v2',
  Alert: 'v1beta3',
  Provider: 'v1beta3',
  Receiver: 'v1',
  ImageRepository: 'v1',
  ImagePolicy: 'v1',
  ImageUpdateAutomation: 'v1',
};
const minimumKubernetesMinor = 32;

interface Crd {
  metadata?: { name?: string };
  spec?: {
    group?: string;
    names?: { kind?: string };
    versions?: Array<{ name: string; served?: boolean; storage?: boolean }>;
  };
  status?: { conditions?: Array<{ type: string; status: string }> };
}

export async function run(context: CommandContext): Promise<number> {
  const cluster = context.cluster();
  const t = context.terminal;
  let failed = false;
  const ok = (text: string): void => t.out(`${t.green('✔')} ${text}\n`);
  const bad = (text: string): void => {
    failed = true;
    t.out(`${t.red('✗')} ${text}\n`);
  };

  t.out('► checking prerequisites\n');
  const version = await cluster.client.transport.requestJson<{ gitVersion?: string; minor?: string }>({
    method: 'GET',
    path: '/version',
  });
  const minor = Number.parseInt(version.minor ?? '', 10);
  if (Number.isNaN(minor) || minor >= minimumKubernetesMinor)
    ok(`Kubernetes ${version.gitVersion ?? '?'} >=1.${minimumKubernetesMinor}.0`);
  else bad(`Kubernetes ${version.gitVersion ?? '?'}: Fluxion needs >=1.${minimumKubernetesMinor}.0`);
  if (booleanFlag(context.flags, 'pre')) return failed ? 1 : 0;

  t.out('► checking CRDs\n');
  const { items } = await cluster.client.list<Crd & { metadata: object }>({
    group: 'apiextensions.k8s.io',
    version: 'v1',
    kind: 'CustomResourceDefinition',
  });
  const installedControllers = new Set<Controller>();
  for (const kind of fluxKinds) {
    const crd = items.find((item) => item.spec?.group === kind.group && item.spec.names?.kind === kind.kind);
    if (!crd) continue;
    installedControllers.add(kind.controller);
    const served = (crd.spec?.versions ?? []).filter((entry) => entry.served !== false).map((entry) => entry.name);
    const storage = crd.spec?.versions?.find((entry) => entry.storage)?.name ?? '?';
    const established =
      crd.status?.conditions?.some((condition) => condition.type === 'Established' && condition.status === 'True') ??
      false;
    const expected = expectedVersions[kind.kind] ?? storage;
    if (!served.includes(expected))
      bad(`${crd.metadata?.name}: serves ${served.join(', ')}, Flux's CLI needs ${expected}`);
    else if (!established) bad(`${crd.metadata?.name}: not Established yet`);
    else ok(`${crd.metadata?.name} ${expected}${storage !== expected ? ` (stored as ${storage})` : ''}`);
  }
  if (installedControllers.size === 0) bad('no Flux CRDs installed: run fluxion install');

  t.out('► checking controllers\n');
  const deployments = await findControllerDeployments(
    cluster.client,
    typeof context.flags['namespace'] === 'string' ? cluster.namespace : undefined,
  );
  for (const controller of new Set(fluxKinds.map((kind) => kind.controller))) {
    const found = deployments.filter((deployment) => deployment.controller === controller);
    if (!installedControllers.has(controller)) {
      t.out(
        `${t.dim('-')} ${controller}: not installed (no CRD for ${fluxKinds
          .filter((kind) => kind.controller === controller)
          .map((kind) => kind.kind)
          .join(', ')})\n`,
      );
      continue;
    }
    if (found.length === 0) {
      t.out(`${t.yellow('!')} ${controller}: CRDs installed but no Deployment found (running outside the cluster?)\n`);
      continue;
    }
    for (const deployment of found) {
      const text = `${controller}: deployment ${deployment.namespace}/${deployment.name} ${deployment.message} (${deployment.image})`;
      if (deployment.ready) ok(text);
      else bad(text);
    }
  }
  t.out(failed ? `${t.red('✗')} check failed\n` : `${t.green('✔')} all checks passed\n`);
  return failed ? 1 : 0;
}
