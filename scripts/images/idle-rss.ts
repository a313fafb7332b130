// Idle memory of each controller in its container, as the chart runs it on a real node: a control plane with a real
// node, the images `make images` built imported into it, `helm install` of the chart with every controller enabled,
// then, once all are Available and have had --settle seconds with nothing to do, three reads 10 s apart of each
// controller process's VmRSS (median), its anonymous and file-backed parts, and its container's cgroup memory usage.
// Usage: node scripts/images/idle-rss.ts [--settle=60]   (starts a real node: run it when no other one runs)
import { readdirSync, readFileSync } from 'node:fs';
import { startControlPlane, REAL_NODE_NAME, median, pollUntil } from '@fluxion/testenv';
import { AppsV1Api } from '@kubernetes/client-node';
import { chartDirectory, findHelm, runHelm } from '../../e2e/chart/helm-cli.ts';

const valuesKey: Record<string, string> = {
  'source-controller': 'sourceController',
  'kustomize-controller': 'kustomizeController',
  'helm-controller': 'helmController',
  'notification-controller': 'notificationController',
  'image-reflector-controller': 'imageReflectorController',
  'image-automation-controller': 'imageAutomationController',
};
const settleArg = process.argv.find((arg) => arg.startsWith('--settle='));
const settleSeconds = settleArg ? Number(settleArg.split('=')[1]) : 60;
const version = /^appVersion: "?([^"\n]+)"?$/m.exec(readFileSync(`${chartDirectory}/Chart.yaml`, 'utf8'))?.[1] ?? '';
const imageOf = (controller: string) => `localhost/fluxion/${controller}:${version}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The node's process running this controller's bundle (containers' processes are the host's here). */
function processOf(controller: string): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(`/app/dist/${controller}.mjs`)) return Number(entry);
    } catch {
      // the process ended while the list was read
    }
  }
  return undefined;
}

function statusMiB(pid: number, field: string): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'));
  return Number(line?.[1] ?? Number.NaN) / 1024;
}

/** cgroup v1 memory.usage_in_bytes of the process's container (v2: memory.current), in MiB. */
function cgroupMiB(pid: number): number {
  const cgroups = readFileSync(`/proc/${pid}/cgroup`, 'utf8');
  const v1 = /^\d+:[^:]*\bmemory\b[^:]*:(.+)$/m.exec(cgroups)?.[1];
  const file = v1
    ? `/sys/fs/cgroup/memory${v1}/memory.usage_in_bytes`
    : `/sys/fs/cgroup${/^0::(.+)$/m.exec(cgroups)?.[1] ?? ''}/memory.current`;
  return Number(readFileSync(file, 'utf8')) / 2 ** 20;
}

const controllers = Object.keys(valuesKey);
const cp = await startControlPlane({ node: true });
try {
  for (const controller of controllers) cp.realNode?.importImage(imageOf(controller));
  const values = controllers.flatMap((controller) =>
    [
      `${valuesKey[controller]}.enabled=true`,
      `${valuesKey[controller]}.image.repository=localhost/fluxion/${controller}`,
      `${valuesKey[controller]}.image.tag=${version}`,
      `${valuesKey[controller]}.image.pullPolicy=Never`,
      `${valuesKey[controller]}.nodeSelector.kubernetes\\.io/hostname=${REAL_NODE_NAME}`,
    ].flatMap((value) => ['--set', value]),
  );
  const installed = performance.now();
  await runHelm(findHelm(), [
    ...['install', 'fluxion', chartDirectory, '--create-namespace', ...values],
    ...['--kubeconfig', cp.kubeconfigPath, '--namespace', 'flux-system'],
  ]);
  const client = cp.kubeConfig();
  const apps = client.makeApiClient(AppsV1Api);
  await pollUntil(
    'every controller Available',
    async () => {
      const list = await apps.listNamespacedDeployment({ namespace: 'flux-system' });
      return list.items.length === controllers.length &&
        list.items.every((d) => (d.status?.availableReplicas ?? 0) >= (d.spec?.replicas ?? 1))
        ? true
        : undefined;
    },
    300_000,
    1000,
  );
  console.log(
    `helm install to all ${controllers.length} controllers Available: ${((performance.now() - installed) / 1000).toFixed(1)} s`,
  );
  console.log(`settling ${settleSeconds} s with nothing to reconcile...`);
  await sleep(settleSeconds * 1000);
  const reads: Record<string, number[]> = {};
  for (let read = 0; read < 3; read++) {
    if (read > 0) await sleep(10_000);
    for (const controller of controllers) {
      const pid = processOf(controller);
      if (pid) (reads[controller] ??= []).push(statusMiB(pid, 'VmRSS'));
    }
  }
  console.log('| controller | VmRSS (median of 3) | anonymous | file-backed | cgroup memory usage |');
  console.log('|---|---|---|---|---|');
  for (const controller of controllers) {
    const pid = processOf(controller);
    if (!pid) {
      console.log(`| ${controller} | no process found | | | |`);
      continue;
    }
    const cells = [
      median(reads[controller] ?? []),
      statusMiB(pid, 'RssAnon'),
      statusMiB(pid, 'RssFile'),
      cgroupMiB(pid),
    ].map((mib) => `${mib.toFixed(0)} MiB`);
    console.log(`| ${controller} | ${cells.join(' | ')} |`);
  }
} finally {
  await cp.stop();
}
