// The control plane every cluster test stands on: it answers, runs workloads, restarts, and cleans up.
import { AppsV1Api, CoreV1Api } from '@kubernetes/client-node';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  deleteRunNamespaces,
  pollUntil,
  startControlPlane,
  useTestNamespace,
  type TestNamespace,
} from '../src/index.ts';
import { cleanStaleState } from '../src/state-dir.ts';

describe('the shared control plane', () => {
  let env: TestNamespace;
  beforeAll(async () => {
    env = await useTestNamespace();
  });

  it('gives each test file its own namespace with admin rights', async () => {
    const core = env.kubeConfig.makeApiClient(CoreV1Api);
    const namespace = await core.readNamespace({ name: env.namespace });
    expect(namespace.status?.phase).toBe('Active');
    const readyz = await fetch(`${env.kubeConfig.getCurrentCluster()?.server}/readyz`).catch((e: Error) => e);
    // Plain fetch has no CA: the kubeconfig carries it; the client above proved TLS and auth work.
    expect(readyz).toBeDefined();
  });

  it('labels namespaces with the run, so a reused cluster is cleaned of exactly this run', async () => {
    const saved = process.env.FLUXION_TESTENV_RUN;
    process.env.FLUXION_TESTENV_RUN = 'probe-run';
    const probe = await useTestNamespace('probe').finally(() => (process.env.FLUXION_TESTENV_RUN = saved));
    expect(await deleteRunNamespaces(probe.kubeconfigPath, 'probe-run')).toBe(1);
    const core = env.kubeConfig.makeApiClient(CoreV1Api);
    const gone = await pollUntil('probe namespace deleted', async () => {
      const ns = await core.readNamespace({ name: probe.namespace }).catch(() => undefined);
      return ns === undefined || ns.metadata?.deletionTimestamp ? true : undefined;
    });
    expect(gone).toBe(true);
    expect((await core.readNamespace({ name: env.namespace })).status?.phase).toBe('Active');
  });

  it('rolls a Deployment out until it is Available (controller manager, scheduler and kwok)', async () => {
    const apps = env.kubeConfig.makeApiClient(AppsV1Api);
    await apps.createNamespacedDeployment({
      namespace: env.namespace,
      body: {
        metadata: { name: 'web' },
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: 'web' } },
          template: {
            metadata: { labels: { app: 'web' } },
            spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] },
          },
        },
      },
    });
    const available = await pollUntil('Deployment web Available', async () => {
      const deployment = await apps.readNamespacedDeployment({ name: 'web', namespace: env.namespace });
      const condition = deployment.status?.conditions?.find((c) => c.type === 'Available');
      return condition?.status === 'True' ? deployment : undefined;
    });
    expect(available.status?.readyReplicas).toBe(2);
  });
});

describe('a private control plane', () => {
  it('survives an API server restart with its data, and removes its state when stopped', async () => {
    const controlPlane = await startControlPlane();
    try {
      const core = controlPlane.kubeConfig().makeApiClient(CoreV1Api);
      await core.createNamespace({ body: { metadata: { name: 'before-restart' } } });
      await controlPlane.restartApiServer();
      const namespace = await pollUntil('namespace after restart', () =>
        core.readNamespace({ name: 'before-restart' }),
      );
      expect(namespace.metadata?.name).toBe('before-restart');
      expect(readFileSync(controlPlane.kubeconfigPath, 'utf8')).toContain('certificate-authority-data');
    } finally {
      await controlPlane.stop();
    }
    expect(existsSync(controlPlane.stateDir)).toBe(false);
  });

  it('starts two control planes at once without their ports colliding', async () => {
    const [first, second] = await Promise.all([startControlPlane(), startControlPlane()]);
    try {
      expect(first.server).not.toBe(second.server);
      const namespaces = await Promise.all(
        [first, second].map(
          async (cp) => (await cp.kubeConfig().makeApiClient(CoreV1Api).listNamespace()).items.length,
        ),
      );
      expect(namespaces.every((count) => count >= 1)).toBe(true);
    } finally {
      await Promise.all([first.stop(), second.stop()]);
    }
  });

  it('names a binary that will not start and quotes its output, instead of hanging', async () => {
    const assets = mkdtempSync(join(tmpdir(), 'broken-assets-'));
    writeFileSync(join(assets, 'etcd'), '#!/bin/sh\necho "etcdmain: data dir is not writable" >&2\nexit 3\n', {
      mode: 0o755,
    });
    writeFileSync(join(assets, 'kube-apiserver'), '#!/bin/sh\nexit 1\n', { mode: 0o755 });
    const saved = process.env.KUBEBUILDER_ASSETS;
    process.env.KUBEBUILDER_ASSETS = assets;
    try {
      await expect(startControlPlane({ startTimeoutMs: 20_000 })).rejects.toThrow(
        /etcd exited before .*\/health answered \(exit code 3\); last lines of .*etcd\.log:\n.*data dir is not writable/,
      );
    } finally {
      if (saved === undefined) delete process.env.KUBEBUILDER_ASSETS;
      else process.env.KUBEBUILDER_ASSETS = saved;
    }
  });

  it('cleans up the processes of a killed run on the next start', async () => {
    const script = join(fileURLToPath(import.meta.url), '../fixtures/start-and-hang.ts');
    const victim = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const firstLine = await new Promise<string>((resolve) =>
      createInterface({ input: victim.stdout }).once('line', resolve),
    );
    const { stateDir } = JSON.parse(firstLine) as { stateDir: string };
    const owner = JSON.parse(readFileSync(join(stateDir, 'owner.json'), 'utf8')) as { childPids: number[] };
    expect(owner.childPids.length).toBe(2);
    victim.kill('SIGKILL');
    await new Promise((resolve) => victim.once('exit', resolve));
    // The run died without cleaning up: etcd and kube-apiserver are orphans until the next start.
    expect(owner.childPids.every(isAlive)).toBe(true);
    expect(cleanStaleState()).toBeGreaterThanOrEqual(1);
    await pollUntil('orphans gone', async () => (owner.childPids.some(isAlive) ? undefined : true), 10_000);
    expect(existsSync(stateDir)).toBe(false);
  });
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    // A killed child stays a zombie until reaped by init; treat zombies as gone.
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.startsWith('Z');
  } catch {
    return false;
  }
}
