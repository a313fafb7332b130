// The controllers run from their images as the chart runs them: user 65534, a read-only root, only the mounted
// volumes writable, the kubeconfig from a file; and they do the GitOps loop from there.
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installCrds } from '@fluxion/api';
import {
  pollUntil,
  startGitHttpServer,
  useTestNamespace,
  type GitHttpServer,
  type TestNamespace,
} from '@fluxion/testenv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  podmanFlags,
  startControllerProcess,
  type ControllerName,
  type ControllerProcess,
} from './support/controller-process.ts';
import { apply, conditionOf, connect, read, type Cluster } from './support/kube.ts';
import { fleetRepositoryFiles, fleetSyncObjects } from './support/sample-repository.ts';

const repoRoot = join(import.meta.dirname, '..');
const version = /^appVersion: "?([^"\n]+)"?$/m.exec(
  readFileSync(join(repoRoot, 'charts/fluxion/Chart.yaml'), 'utf8'),
)?.[1];
const imageOf = (name: ControllerName) => `localhost/fluxion/${name}:${version ?? 'unknown'}`;

function podman(args: string[], input?: string): string {
  const env = { ...process.env, CONTAINERS_CONF: join(repoRoot, 'scripts/images/containers.conf') };
  return execFileSync('podman', [...podmanFlags, ...args], { env, encoding: 'utf8', ...(input ? { input } : {}) });
}

function imageExists(image: string): boolean {
  try {
    podman(['image', 'exists', image]);
    return true;
  } catch {
    return false;
  }
}

describe('controller images', () => {
  let env: TestNamespace;
  let cluster: Cluster;
  let git: GitHttpServer;
  let scratch: string;
  const controllers: ControllerProcess[] = [];

  /** A host directory the container's user 65534 may write, standing in for the chart's emptyDir. */
  const emptyDir = (name: string): string => {
    const dir = mkdtempSync(join(scratch, `${name}-`));
    chownSync(dir, 65534, 65534);
    return dir;
  };

  beforeAll(async () => {
    for (const name of ['source-controller', 'kustomize-controller'] as const) {
      expect(imageExists(imageOf(name)), `${imageOf(name)} is missing: run make images`).toBe(true);
    }
    env = await useTestNamespace('images');
    cluster = connect(env.kubeconfigPath);
    scratch = mkdtempSync(join(tmpdir(), 'fluxion-images-'));
    chmodSync(scratch, 0o755);
    await installCrds(env.kubeConfig);
    git = await startGitHttpServer();
    git.repositories.create('fleet');
    git.repositories.commit('fleet', fleetRepositoryFiles());
    // Readable by the container's user, as a mounted Secret is; the test's own copy stays 0600.
    const kubeconfigPath = join(scratch, 'kubeconfig');
    copyFileSync(env.kubeconfigPath, kubeconfigPath);
    chmodSync(kubeconfigPath, 0o644);
    const common = { kubeconfigPath, env: { RUNTIME_NAMESPACE: env.namespace } };
    controllers.push(
      await startControllerProcess('source-controller', {
        ...common,
        logFile: join(scratch, 'source-controller.log'),
        args: ['--storage-addr=127.0.0.1:0', '--watch-all-namespaces=false'],
        container: { image: imageOf('source-controller'), volumes: { '/data': emptyDir('data') } },
      }),
      await startControllerProcess('kustomize-controller', {
        ...common,
        logFile: join(scratch, 'kustomize-controller.log'),
        args: ['--watch-all-namespaces=false'],
        container: { image: imageOf('kustomize-controller'), volumes: { '/tmp': emptyDir('tmp') } },
      }),
    );
  });

  afterAll(async () => {
    for (const controller of controllers) await controller.stop();
    await git?.stop();
    if (scratch && !process.env.FLUXION_KEEP_SCRATCH) rmSync(scratch, { recursive: true, force: true });
  });

  it('run as user 65534 from their bundle alone: no sources, tests, benches or node_modules but a separate library', () => {
    for (const name of ['source-controller', 'kustomize-controller'] as const) {
      expect(podman(['image', 'inspect', '--format', '{{.Config.User}}', imageOf(name)]).trim()).toBe('65534:65534');
      const entrypoint = podman(['image', 'inspect', '--format', '{{json .Config.Entrypoint}}', imageOf(name)]);
      expect(JSON.parse(entrypoint)).toContain(`/app/dist/${name}.mjs`);
      const files = podman(['run', '--rm', '--network=none', '--entrypoint', 'node', imageOf(name), '-e', listFiles]);
      // kustomize-controller's openpgp (LGPL-3.0) ships beside the bundle as its own files (scripts/bundle/entries.ts)
      const separate =
        name === 'kustomize-controller'
          ? ['LICENSE', 'dist/node/openpgp.mjs', 'package.json'].map((file) => `/app/node_modules/openpgp/${file}`)
          : [];
      expect(files.trim().split('\n').sort()).toEqual([`/app/dist/${name}.mjs`, ...separate].sort());
    }
  });

  it("helm-controller's image runs the post-renderer plugin helm calls, and the plugin runs its bundle", () => {
    expect(imageExists(imageOf('helm-controller')), `${imageOf('helm-controller')} is missing: run make images`).toBe(
      true,
    );
    const specDir = mkdtempSync(join(scratch, 'post-render-'));
    chmodSync(specDir, 0o755);
    const spec = {
      originLabels: { 'helm.toolkit.fluxcd.io/name': 'web', 'helm.toolkit.fluxcd.io/namespace': 'apps' },
      postRenderers: [{ kustomize: { images: [{ name: 'nginx', newTag: '1.27' }] } }],
    };
    writeFileSync(join(specDir, 'spec.json'), JSON.stringify(spec), { mode: 0o644 });
    const rendered =
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n' +
      '      containers: [{name: web, image: "nginx:1.25"}]\n';
    const plugin = '/app/helm-plugins/fluxion-post-renderer/post-render';
    const output = podman(
      [
        'run',
        '--rm',
        '-i',
        '--network=none',
        '--read-only',
        `--volume=${specDir}:/spec:ro`,
        '--entrypoint',
        plugin,
        imageOf('helm-controller'),
        '/spec/spec.json',
      ],
      rendered,
    );
    expect(output).toContain('image: nginx:1.27');
    expect(output).toContain('helm.toolkit.fluxcd.io/name: web');
  });

  it('sync a Git repository to the cluster from inside the images', async () => {
    await apply(cluster, fleetSyncObjects(env.namespace, git.urlOf('fleet')));
    const ready = await pollUntil(
      'Kustomization infra Ready',
      async () => {
        const ks = await read(cluster, 'kustomize.toolkit.fluxcd.io/v1', 'Kustomization', 'infra', env.namespace);
        return conditionOf(ks, 'Ready')?.status === 'True' ? conditionOf(ks, 'Ready') : undefined;
      },
      120_000,
    );
    expect(ready?.message).toMatch(/^Applied revision: main@sha1:[0-9a-f]{40}$/);
    const repository = await read(cluster, 'source.toolkit.fluxcd.io/v1', 'GitRepository', 'fleet', env.namespace);
    expect(conditionOf(repository, 'ArtifactInStorage')?.status).toBe('True');
  });
});

// Lists every file under /app (node is the only program the slim base has).
const listFiles = `
const { readdirSync } = require('node:fs');
const walk = (dir) => readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
  const path = dir + '/' + entry.name;
  return entry.isDirectory() ? walk(path) : [path];
});
console.log(walk('/app').join('\\n'));
`;
