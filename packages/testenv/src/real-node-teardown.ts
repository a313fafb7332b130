// Leaves nothing of a real node behind: containers and their shims outlive containerd, kubelet's volume mounts make
// its directory impossible to remove, and kube-proxy's iptables rules and the CNI bridge belong to the whole machine.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The node's directory inside a control plane's state dir. */
export function nodeDir(stateDir: string): string {
  return join(stateDir, 'node');
}

interface TeardownFacts {
  kubeProxy: string;
  bridge: string;
}

/** What a later teardown needs, written at start: a killed test run's node is torn down by the next one. */
export function recordTeardownFacts(stateDir: string, facts: TeardownFacts): void {
  writeFileSync(join(nodeDir(stateDir), 'teardown.json'), JSON.stringify(facts));
}

/** Best effort, synchronous (it also runs at process exit): each step goes on when the one before fails. */
export function tearDownRealNode(stateDir: string): void {
  const dir = nodeDir(stateDir);
  if (!existsSync(dir)) return;
  let facts: Partial<TeardownFacts> = {};
  quietly(
    'read teardown facts',
    () => (facts = JSON.parse(readFileSync(join(dir, 'teardown.json'), 'utf8')) as TeardownFacts),
  );
  const { kubeProxy, bridge } = facts;
  removeContainers(join(dir, 'runc', 'k8s.io'));
  killProcessesMentioning(join(dir, 'containerd.sock'));
  unmountUnder(stateDir);
  if (kubeProxy) quietly('kube-proxy cleanup', () => execFileSync(kubeProxy, ['--cleanup'], { stdio: 'ignore' }));
  if (bridge) {
    quietly('CNI rules removal', () => removeCniNatRules(cniNetworkName(bridge)));
    quietly('bridge removal', () => execFileSync('ip', ['link', 'delete', bridge], { stdio: 'ignore' }));
  }
}

/** One CNI network per node, named after its bridge, so its NAT rules can be told from another node's. */
export function cniNetworkName(bridge: string): string {
  return `fluxion-${bridge}`;
}

/** The bridge plugin's per-pod NAT chains of pods that never got a CNI DEL (a killed node). */
function removeCniNatRules(network: string): void {
  const marker = `name: \\"${network}\\"`;
  const saved = execFileSync('iptables-save', ['-t', 'nat'], { encoding: 'utf8' });
  const lines = saved.split('\n');
  const ourChains = new Set(
    lines.filter((line) => line.includes(marker) && line.startsWith('-A CNI-')).map((line) => line.split(' ')[1] ?? ''),
  );
  if (ourChains.size === 0) return;
  const kept = lines.filter((line) => {
    if (line.includes(marker)) return false;
    if (line.startsWith(':') && ourChains.has(line.slice(1).split(' ')[0] ?? '')) return false;
    return ![...ourChains].some((chain) => line.endsWith(`-j ${chain}`));
  });
  execFileSync('iptables-restore', { input: kept.join('\n') });
}

function removeContainers(runcRoot: string): void {
  if (!existsSync(runcRoot)) return;
  for (const id of readdirSync(runcRoot)) {
    quietly(`runc delete ${id}`, () =>
      execFileSync('runc', ['--root', runcRoot, 'delete', '--force', id], { stdio: 'ignore' }),
    );
  }
}

/** containerd's shims carry its socket path on their command line; the containers are their children. */
function killProcessesMentioning(text: string): void {
  for (const pid of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    if (cmdline.includes(text)) quietly(`kill ${pid}`, () => process.kill(Number(pid), 'SIGKILL'));
  }
}

/** Deepest first, lazily: a mount still busy goes away once its last user does. */
export function unmountUnder(dir: string): void {
  const mountPoints = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[4] ?? '')
    .filter((mountPoint) => mountPoint === dir || mountPoint.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
  for (const mountPoint of mountPoints) {
    quietly(`umount ${mountPoint}`, () => execFileSync('umount', ['-l', mountPoint], { stdio: 'ignore' }));
  }
}

function quietly(_what: string, step: () => void): void {
  try {
    step();
  } catch {
    // the next step may still succeed; a leftover is found by the next start's cleanStaleState
  }
}
