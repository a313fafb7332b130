// Per-run state directories, and the clean-up of those a killed run left behind.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { tearDownRealNode } from './real-node-teardown.ts';
import { join } from 'node:path';

const OWNER_FILE = 'owner.json';

interface Owner {
  ownerPid: number;
  childPids: number[];
}

export function stateRoot(): string {
  return process.env.FLUXION_TESTENV_STATE ?? join(tmpdir(), 'fluxion-testenv');
}

export function createStateDir(prefix: string): string {
  mkdirSync(stateRoot(), { recursive: true });
  const dir = mkdtempSync(join(stateRoot(), `${prefix}-`));
  recordOwner(dir, []);
  return dir;
}

export function recordOwner(dir: string, childPids: number[], ownerPid = process.pid): void {
  const owner: Owner = { ownerPid, childPids };
  writeFileSync(join(dir, OWNER_FILE), JSON.stringify(owner));
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** True when the process still runs a command that mentions `dir`: guards against a reused pid. */
function belongsTo(pid: number, dir: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dir);
  } catch {
    return false;
  }
}

/** Kills the processes of state dirs whose owner died (a killed test run), and removes the dirs. */
export function cleanStaleState(): number {
  let cleaned = 0;
  let entries: string[];
  try {
    entries = readdirSync(stateRoot());
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const dir = join(stateRoot(), entry);
    let owner: Owner;
    try {
      owner = JSON.parse(readFileSync(join(dir, OWNER_FILE), 'utf8')) as Owner;
    } catch {
      continue;
    }
    if (isProcessAlive(owner.ownerPid)) continue;
    for (const pid of owner.childPids) {
      if (isProcessAlive(pid) && belongsTo(pid, dir)) process.kill(pid, 'SIGKILL');
    }
    tearDownRealNode(dir);
    rmSync(dir, { recursive: true, force: true });
    cleaned++;
  }
  return cleaned;
}
