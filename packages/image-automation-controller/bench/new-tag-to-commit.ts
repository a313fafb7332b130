// Benchmark: a new tag in the registry becomes a commit on the branch. bin/image-reflector-controller and
// bin/image-automation-controller run as their own processes on a private control plane, with every interval at 1h;
// each round pushes tag 1.<n>.0 to testenv's registry and asks for a scan (the Receiver path: the
// reconcile.fluxcd.io/requestedAt annotation on the ImageRepository), then times until the ImagePolicy picked the tag
// and until the commit is on the git server. Prints p50 / p90 / max of both.
// Run: node packages/image-automation-controller/bench/new-tag-to-commit.ts [--rounds=10]
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ImageApiVersion, installCrds, SourceApiVersion } from '@fluxion/api';
import { createClient, ociMediaTypes, RegistryClient } from '@fluxion/runtime';
import { git as runGit, median, startControlPlane, startGitHttpServer, startOciRegistry } from '@fluxion/testenv';
import type { KubernetesObject } from '@kubernetes/client-node';

const flag = (name: string, fallback: number): number => {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  return arg ? Number(arg.split('=')[1]) : fallback;
};
const rounds = flag('rounds', 10);
const namespace = 'bench';
const bin = (name: string) => fileURLToPath(new URL(`../../${name}/bin/${name}`, import.meta.url));
const ms = (value: number) => `${Math.round(value)} ms`;
const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil((p / 100) * values.length) - 1)]!;

console.log(`new-tag-to-commit: starting a control plane, a registry and a git server...`);
const controlPlane = await startControlPlane();
const registry = await startOciRegistry();
const git = await startGitHttpServer({ auth: { username: 'flux', password: 'bench' } });
const children: ChildProcess[] = [];
let failed = false;
let logs = '';
try {
  const kubeConfig = controlPlane.kubeConfig();
  await installCrds(kubeConfig);
  const client = createClient({ kubeConfig, qps: 500, burst: 1000 });
  const oci = new RegistryClient({ registry: registry.host, insecure: true });
  const config = await oci.pushBlob('team/web', Buffer.from('{}'), ociMediaTypes.ociEmptyConfig);
  const pushTag = async (tag: string) => {
    const layer = await oci.pushBlob('team/web', Buffer.from(`web ${tag}`), ociMediaTypes.ociLayerTarGzip);
    await oci.pushManifest(
      'team/web',
      tag,
      { schemaVersion: 2, mediaType: ociMediaTypes.ociImageManifest, config, layers: [layer] },
      ociMediaTypes.ociImageManifest,
    );
  };
  await pushTag('1.0.0');
  git.repositories.create('config');
  git.repositories.commit('config', {
    'apps/web.yaml': `kind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: ${registry.host}/team/web:1.0.0 # {"$imagepolicy": "${namespace}:web"}\n`,
  });
  await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
  await client.create({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'git', namespace },
    stringData: { username: 'flux', password: 'bench' },
  });
  const objects = [
    {
      apiVersion: SourceApiVersion,
      kind: 'GitRepository',
      metadata: { name: 'config', namespace },
      spec: { url: git.urlOf('config'), interval: '1h', ref: { branch: 'main' }, secretRef: { name: 'git' } },
    },
    {
      apiVersion: ImageApiVersion,
      kind: 'ImageRepository',
      metadata: { name: 'web', namespace },
      spec: { image: `${registry.host}/team/web`, interval: '1h', insecure: true },
    },
    {
      apiVersion: ImageApiVersion,
      kind: 'ImagePolicy',
      metadata: { name: 'web', namespace },
      spec: { imageRepositoryRef: { name: 'web' }, policy: { semver: { range: '1.x' } } },
    },
    {
      apiVersion: ImageApiVersion,
      kind: 'ImageUpdateAutomation',
      metadata: { name: 'web', namespace },
      spec: {
        interval: '1h',
        sourceRef: { kind: 'GitRepository', name: 'config' },
        git: { commit: { author: { email: 'bench@fluxion.invalid' } } },
        update: { path: './apps' },
      },
    },
  ];
  for (const object of objects) await client.create(object);
  for (const name of ['image-reflector-controller', 'image-automation-controller']) {
    const child = spawn(
      process.execPath,
      [
        '--max-semi-space-size=8',
        bin(name),
        `--kubeconfig=${controlPlane.kubeconfigPath}`,
        '--metrics-addr=0',
        '--health-addr=0',
        '--watch-all-namespaces=false',
      ],
      {
        env: { ...process.env, RUNTIME_NAMESPACE: namespace },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    // The controllers' logs are shown only if the run fails.
    child.stderr?.on('data', (chunk: Buffer) => (logs = (logs + chunk.toString()).slice(-8_000)));
    children.push(child);
  }
  const policyRef = { apiVersion: ImageApiVersion, kind: 'ImagePolicy', namespace, name: 'web' };
  const automationRef = { apiVersion: ImageApiVersion, kind: 'ImageUpdateAutomation', namespace, name: 'web' };
  const poll = async <T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await check();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  await poll(
    'the first automation run',
    async () => {
      const automation = await client.get<
        KubernetesObject & { status?: { observedPolicies?: Record<string, { tag: string }> } }
      >(automationRef);
      return automation.status?.observedPolicies?.web?.tag === '1.0.0' ? true : undefined;
    },
    60_000,
  );
  console.log(`controllers up; ${rounds} rounds of: push a tag, request a scan, wait for the commit`);

  const toPolicy: number[] = [];
  const toCommit: number[] = [];
  for (let round = 1; round <= rounds; round++) {
    const tag = `1.${round}.0`;
    const before = git.repositories.head('config');
    await pushTag(tag);
    const started = performance.now();
    await client.patch(
      { apiVersion: ImageApiVersion, kind: 'ImageRepository', namespace, name: 'web' },
      { metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': `bench-${round}` } } },
      'merge',
    );
    let policyAt: number | undefined;
    await poll(`commit for ${tag}`, async () => {
      if (policyAt === undefined) {
        const policy = await client.get<KubernetesObject & { status?: { latestRef?: { tag?: string } } }>(policyRef);
        if (policy.status?.latestRef?.tag === tag) policyAt = performance.now();
      }
      return git.repositories.head('config') !== before ? true : undefined;
    });
    const committed = performance.now();
    toPolicy.push((policyAt ?? committed) - started);
    toCommit.push(committed - started);
    console.log(`  ${tag}: policy ${ms(toPolicy.at(-1)!)}, commit pushed ${ms(toCommit.at(-1)!)}`);
  }
  oci.close();
  // Every round is one commit, and the branch ends at the last tag: nothing ran twice or wrote an older image.
  const history = runGit(git.repositories.pathOf('config'), ['log', '--format=%s', 'main']).split('\n');
  const lastImage = runGit(git.repositories.pathOf('config'), ['show', 'main:apps/web.yaml']);
  if (history.length !== rounds + 1 || !lastImage.includes(`team/web:1.${rounds}.0 #`))
    throw new Error(`unexpected history: ${history.length} commits, ${lastImage}`);
  console.log(`new tag -> commit pushed (${rounds} rounds, intervals 1h, scan requested by annotation):`);
  console.log(
    `  tag -> ImagePolicy latestRef: p50 ${ms(median(toPolicy))}, p90 ${ms(percentile(toPolicy, 90))}, max ${ms(Math.max(...toPolicy))}`,
  );
  console.log(
    `  tag -> commit on the branch:  p50 ${ms(median(toCommit))}, p90 ${ms(percentile(toCommit, 90))}, max ${ms(Math.max(...toCommit))} (target p50 < 2000 ms)`,
  );
} catch (error) {
  failed = true;
  console.error(logs);
  console.error(error);
} finally {
  for (const child of children) child.kill('SIGTERM');
  await git.stop();
  await registry.stop();
  await controlPlane.stop();
}
process.exit(failed ? 1 : 0);
