// The two sides of bench-vs-flux: how to start each controller (Fluxion's bundle, as its image runs it; Flux's Go binary built by
// build-flux-controllers.sh) with the same flags where both have them, and where each side's CRDs come from.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { KubernetesObject } from '@kubernetes/client-node';
import { loadCrdFile, loadCrds } from '../../packages/api/src/crd-files.ts';
import { bundle, bundlePath } from '../bundle/bundle.ts';
import { bundleEntries } from '../bundle/entries.ts';

export type Side = 'fluxion' | 'flux';
export const CONTROLLERS = [
  'kustomize-controller',
  'source-controller',
  'helm-controller',
  'notification-controller',
  'image-reflector-controller',
  'image-automation-controller',
] as const;
export type ControllerName = (typeof CONTROLLERS)[number];

/** Builds the bundle of each of our controllers, the program its image runs (what ships is what is measured). */
export async function bundleOurControllers(names: readonly ControllerName[] = CONTROLLERS): Promise<void> {
  for (const entry of bundleEntries.filter(({ pkg, name }) => pkg === name && names.includes(pkg as ControllerName)))
    await bundle(entry);
}

export interface FluxBuild {
  binaries: Partial<Record<ControllerName, string>>;
  /** config/crd/bases of each built controller's module: Flux's kustomize- and helm-controller watch source kinds. */
  crdDirs: Partial<Record<ControllerName, string>>;
  /** Why some of Flux's side cannot run. */
  failures: string[];
}

/**
 * Builds (or finds in the cache) Flux's controllers, source-controller always (its CRDs serve the others); a failure
 * is reported, not thrown: the bench goes on with ours.
 */
export function buildFlux(names: readonly ControllerName[]): FluxBuild {
  const build: FluxBuild = { binaries: {}, crdDirs: {}, failures: [] };
  for (const name of new Set<ControllerName>(['source-controller', ...names])) {
    const run = spawnSync('bash', [join(import.meta.dirname, 'build-flux-controllers.sh'), name], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const [, binary, moduleDir] = run.stdout.trim().split('\n').at(-1)?.split(' ') ?? [];
    if (run.status === 0 && binary && moduleDir) {
      build.binaries[name] = binary;
      build.crdDirs[name] = join(moduleDir, 'config/crd/bases');
    } else
      build.failures.push(
        `Flux's ${name} not built: ${run.stderr
          .trim()
          .split('\n')
          .filter((line) => !line.startsWith('go: downloading') && !line.includes('not built:'))
          .slice(-6)
          .join(' / ')
          .replace(/\[build-flux-controllers\] (skipped [\w-]+: )?/g, '')}`,
      );
  }
  return build;
}

/** Whether Flux's side of a shape can run: every controller it needs built, and source-controller's CRDs at hand. */
export const fluxCanRun = (flux: FluxBuild, names: readonly ControllerName[]): boolean =>
  names.every((name) => Boolean(flux.binaries[name])) && Boolean(flux.crdDirs['source-controller']);

/** Fluxion's CRDs (packages/api/crds) or Flux's (from the built controllers' modules), as objects to apply. */
export function crdsFor(side: Side, flux: FluxBuild): KubernetesObject[] {
  if (side === 'fluxion') return loadCrds() as unknown as KubernetesObject[];
  // parsed as plain YAML (client-node's loader renames `enum` and `default`, which the API server then refuses)
  return Object.values(flux.crdDirs).flatMap((dir) =>
    readdirSync(dir)
      .filter((file) => file.endsWith('.yaml'))
      .map((file) => loadCrdFile(join(dir, file)) as unknown as KubernetesObject),
  );
}

export interface ControllerOptions {
  kubeconfigPath: string;
  concurrent: number;
  qps: number;
  burst: number;
  /** source-controller only: where artifacts go and the port they are served on. */
  storage?: { path: string; port: number };
  /** Flags only this controller has (helm's path, notification-controller's listen addresses, ...). */
  extraArgs?: readonly string[];
}

export interface RunningController {
  readonly pid: number;
  readonly process: ChildProcess;
  /** The last lines it wrote, for a failure message. */
  logTail(): string;
  stop(): Promise<void>;
}

export function startController(
  side: Side,
  name: ControllerName,
  flux: FluxBuild,
  options: ControllerOptions,
): RunningController {
  const shared = [
    `--concurrent=${options.concurrent}`,
    `--kube-api-qps=${options.qps}`,
    `--kube-api-burst=${options.burst}`,
    '--metrics-addr=0',
    '--health-addr=0',
    '--enable-leader-election=false',
    '--log-level=error',
  ];
  const storage = options.storage
    ? [
        `--storage-path=${options.storage.path}`,
        `--storage-addr=127.0.0.1:${options.storage.port}`,
        `--storage-adv-addr=127.0.0.1:${options.storage.port}`,
      ]
    : [];
  const [command, args] =
    side === 'fluxion'
      ? // the program and the Node flags the image's entrypoint gives the controller
        [
          process.execPath,
          [
            '--max-semi-space-size=8',
            bundlePath({ pkg: name, name, from: `bin/${name}` }),
            ...shared,
            ...storage,
            ...(options.extraArgs ?? []),
          ],
        ]
      : [flux.binaries[name] ?? '', [...shared, ...storage, ...(options.extraArgs ?? [])]];
  // Both take the kubeconfig from KUBECONFIG (Flux's controllers have no --kubeconfig flag).
  const child = spawn(command, args, {
    env: { ...process.env, KUBECONFIG: options.kubeconfigPath, RUNTIME_NAMESPACE: 'bench' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let tail = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-4000);
  });
  return {
    pid: child.pid ?? 0,
    process: child,
    logTail: () => tail,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      if ((await Promise.race([exited.then(() => true), delay(15_000).then(() => false)])) === false) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}

/** Throws with the controller's last words if it has exited. */
export function assertRunning(controller: RunningController, what: string): void {
  if (controller.process.exitCode !== null || controller.process.signalCode !== null) {
    throw new Error(
      `${what} exited (${controller.process.exitCode ?? controller.process.signalCode}):\n${controller.logTail()}`,
    );
  }
}
