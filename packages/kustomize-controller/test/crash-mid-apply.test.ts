// The controller killed (SIGKILL) while it applies 200 objects and started again loses track of nothing: the inventory
// listed the whole set before the first object was written, so a revision that drops half of them prunes them all.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { V1ConfigMap } from '@kubernetes/client-node';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { configMapYaml, eventually, readyOf, startSourceFixture, type SourceFixture } from './support/kustomize-env.ts';

let k: SourceFixture;
let controller: ChildProcess | undefined;

function startController(): ChildProcess {
  const child = spawn(
    process.execPath,
    [
      join(import.meta.dirname, '../bin/kustomize-controller'),
      '--watch-all-namespaces=false',
      '--metrics-addr=0',
      '--health-addr=0',
      '--log-level=error',
      '--kube-api-qps=500',
      '--kube-api-burst=1000',
    ],
    {
      env: { ...process.env, KUBECONFIG: k.env.kubeconfigPath, RUNTIME_NAMESPACE: k.ns },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  controller = child;
  return child;
}

async function stopController(signal: NodeJS.Signals): Promise<void> {
  const child = controller;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  await exited;
}

beforeAll(async () => {
  k = await startSourceFixture('crash');
});
afterAll(async () => {
  // the Kustomization carries our finalizer: a running controller removes it
  if (!controller || controller.exitCode !== null || controller.signalCode !== null) startController();
  await k?.stop();
  await stopController('SIGTERM');
});

const names = Array.from({ length: 200 }, (_, index) => `crash-${String(index).padStart(3, '0')}`);
const manifests = (subset: readonly string[]) =>
  Object.fromEntries(subset.map((name) => [`${name}.yaml`, configMapYaml(name, { v: '1' })]));
const ours = async () =>
  (
    await k.client.list<V1ConfigMap>(
      { group: '', version: 'v1', kind: 'ConfigMap' },
      { namespace: k.ns, labelSelector: 'kustomize.toolkit.fluxcd.io/name=crash' },
    )
  ).items.map((item) => item.metadata?.name ?? '');

it('converges after a SIGKILL mid-apply with the inventory intact and nothing orphaned', async () => {
  await k.publish('crash', manifests(names));
  await k.applyKustomization('crash', { targetNamespace: k.ns, prune: true });
  startController();

  // kill at the first object written: the inventory already names the whole set
  const atKill = await eventually(
    'the first object applied',
    async () => ((await ours()).length > 0 ? k.getKustomization('crash') : undefined),
    120_000,
  );
  await stopController('SIGKILL');
  expect(atKill.status?.inventory?.entries).toHaveLength(200);

  // while it was down, the source dropped half of the objects
  const kept = names.slice(0, 100);
  const revision = await k.publish('crash', manifests(kept));
  startController();
  const converged = await eventually(
    'Ready at the new revision',
    async () => {
      const kustomization = await k.getKustomization('crash');
      return readyOf(kustomization)?.status === 'True' && kustomization?.status?.lastAppliedRevision === revision
        ? kustomization
        : undefined;
    },
    120_000,
  );
  expect(converged.status?.inventory?.entries.map((entry) => entry.id)).toEqual(
    kept.map((name) => `${k.ns}_${name}__ConfigMap`),
  );
  expect((await ours()).sort()).toEqual(kept);
});
