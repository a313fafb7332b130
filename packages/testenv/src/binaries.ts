// Finds the control-plane binaries: KUBEBUILDER_ASSETS, then PATH, then the versioned build cache.
import { accessSync, constants } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TestEnvError } from './errors.ts';

export const KUBE_VERSION = process.env.FLUXION_KUBE_VERSION ?? '1.36.3';

export type BinaryName =
  'etcd' | 'kube-apiserver' | 'kube-controller-manager' | 'kube-scheduler' | 'kwok' | NodeBinaryName;
/** A real node's binaries, built by the same script with --node. */
export type NodeBinaryName = 'kubelet' | 'kube-proxy' | 'coredns';
const NODE_BINARIES: readonly string[] = ['kubelet', 'kube-proxy', 'coredns'] satisfies NodeBinaryName[];

export const BUILD_SCRIPT = resolve(fileURLToPath(import.meta.url), '../../scripts/build-kube-binaries.sh');

export function cacheRoot(): string {
  const xdg = process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache');
  return process.env.FLUXION_CACHE ?? join(xdg, 'fluxion');
}

export function buildCacheDir(): string {
  return join(cacheRoot(), 'kube', `v${KUBE_VERSION}`);
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Where each binary may live, in the order they are tried. */
export function candidateDirs(): string[] {
  const dirs: string[] = [];
  if (process.env.KUBEBUILDER_ASSETS) dirs.push(process.env.KUBEBUILDER_ASSETS);
  dirs.push(...(process.env.PATH ?? '').split(delimiter).filter(Boolean));
  dirs.push(buildCacheDir());
  return dirs;
}

export function findBinary(name: BinaryName): string | undefined {
  for (const dir of candidateDirs()) {
    const path = join(dir, name);
    if (isExecutable(path)) return path;
  }
  return undefined;
}

export function requireBinaries<T extends BinaryName>(names: readonly T[]): Record<T, string> {
  const found = {} as Record<T, string>;
  const missing: string[] = [];
  for (const name of names) {
    const path = findBinary(name);
    if (path) found[name] = path;
    else missing.push(name);
  }
  if (missing.length > 0) {
    const forNode = missing.some((name) => NODE_BINARIES.includes(name));
    throw new TestEnvError(
      `missing control-plane binaries: ${missing.join(', ')}. ` +
        `Build them once with '${BUILD_SCRIPT}${forNode ? ' --node' : ''}' (needs Go; run by 'make kube-binaries'), ` +
        `or set KUBEBUILDER_ASSETS to a folder holding them, or put them on PATH. ` +
        `Looked in: ${candidateDirs()
          .filter((d) => !d.startsWith('/usr') && !d.startsWith('/bin'))
          .join(', ')} and PATH.`,
    );
  }
  return found;
}
