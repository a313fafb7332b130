// `make demo-down`: stops the demo's controllers and git server, then the control plane.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { isProcessAlive as isAlive } from '@fluxion/testenv';

const root = join(import.meta.dirname, '..');
const stateDir = join(root, '.fluxion');

export async function stopDemo({ quiet = false } = {}): Promise<void> {
  const demoState = join(stateDir, 'demo.json');
  const recorded: number[] = existsSync(demoState)
    ? (JSON.parse(readFileSync(demoState, 'utf8')) as { pids: number[] }).pids
    : [];
  const gitState = join(stateDir, 'git-server.json');
  if (existsSync(gitState)) recorded.push((JSON.parse(readFileSync(gitState, 'utf8')) as { pid: number }).pid);
  const pids = [...new Set(recorded)];
  for (const pid of pids) if (isAlive(pid)) process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 15_000;
  while (pids.some(isAlive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  for (const pid of pids) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  spawnSync(process.execPath, [join(root, 'packages/testenv/bin/cluster'), 'down', '--dir', stateDir], {
    stdio: quiet ? 'ignore' : 'inherit',
  });
  rmSync(stateDir, { recursive: true, force: true });
  if (!quiet && pids.length > 0) console.log(`stopped ${pids.length} demo processes`);
}

if (import.meta.main) await stopDemo();
