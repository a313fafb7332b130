// Runs a Fluxion controller as its own process, as a user would, and waits until it reports ready.
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { freePort, pollUntil, StopPolling } from '@fluxion/testenv';

export type ControllerName =
  | 'source-controller'
  | 'kustomize-controller'
  | 'helm-controller'
  | 'notification-controller'
  | 'image-reflector-controller'
  | 'image-automation-controller';

export interface ControllerProcess {
  name: ControllerName;
  pid: number;
  logFile: string;
  healthUrl: string;
  /** undefined while the process runs. */
  readonly exitCode: number | null | undefined;
  /** SIGTERM by default; SIGKILL to play a crash. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

const repoRoot = join(import.meta.dirname, '..', '..');

export interface ContainerOptions {
  image: string;
  /** Host directories mounted writable, as the chart's emptyDir volumes (`/tmp`, `/data`). */
  volumes: Record<string, string>;
}

/** The podman settings this sandbox needs (scripts/images/podman.sh says why). */
export const podmanFlags = ['--storage-driver', 'vfs', '--runtime', 'runc', '--cgroup-manager', 'cgroupfs'];
const containersConf = join(repoRoot, 'scripts', 'images', 'containers.conf');

/** As the chart runs a controller: user 65534, a read-only root, host network here (no pod network). */
function containerRunArgs(container: ContainerOptions, kubeconfigPath: string, env: NodeJS.ProcessEnv): string[] {
  const envArgs = Object.entries(env).flatMap(([key, value]) => ['--env', `${key}=${value ?? ''}`]);
  const volumeArgs = Object.entries(container.volumes).flatMap(([inside, host]) => ['--volume', `${host}:${inside}`]);
  return [
    'run',
    '--rm',
    '--network=host',
    '--read-only',
    '--user=65534:65534',
    '--cap-drop=ALL',
    '--security-opt=no-new-privileges',
    `--volume=${kubeconfigPath}:/etc/fluxion/kubeconfig:ro`,
    '--env=KUBECONFIG=/etc/fluxion/kubeconfig',
    ...envArgs,
    ...volumeArgs,
    container.image,
  ];
}

export function controllerBinary(name: ControllerName): string {
  return join(repoRoot, 'packages', name, 'bin', name);
}

export async function startControllerProcess(
  name: ControllerName,
  options: {
    kubeconfigPath: string;
    logFile: string;
    args?: string[];
    env?: NodeJS.ProcessEnv;
    detached?: boolean;
    /** Run the controller from this image with podman, as the chart runs it, instead of from the sources. */
    container?: ContainerOptions;
    /** Run this file with Node instead of the bin (e.g. the shipped bundle, dist/<name>.mjs), as the image does. */
    program?: string;
    /** The probe to wait for: `readyz` (default), or `healthz` for a controller that is not expected to get ready. */
    waitFor?: 'readyz' | 'healthz';
  },
): Promise<ControllerProcess> {
  const [healthPort, metricsPort] = await Promise.all([freePort(), freePort()]);
  const log = createWriteStream(options.logFile, { flags: 'a' });
  await new Promise((resolve) => log.once('open', resolve));
  const args = [
    `--health-addr=127.0.0.1:${healthPort}`,
    `--metrics-addr=127.0.0.1:${metricsPort}`,
    '--log-level=info',
    ...(options.args ?? []),
  ];
  const [command, commandArgs] = options.container
    ? [
        'podman',
        [...podmanFlags, ...containerRunArgs(options.container, options.kubeconfigPath, options.env ?? {}), ...args],
      ]
    : options.program
      ? [process.execPath, ['--max-semi-space-size=8', options.program, ...args]]
      : [process.execPath, [controllerBinary(name), ...args]];
  const child = spawn(command, commandArgs, {
    env: { ...process.env, ...options.env, KUBECONFIG: options.kubeconfigPath, CONTAINERS_CONF: containersConf },
    stdio: ['ignore', log, log],
    detached: options.detached ?? false,
  });
  if (options.detached) child.unref(); // outlives the demo's narrator, until `make demo-down`
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));
  const healthUrl = `http://127.0.0.1:${healthPort}`;
  const probe = options.waitFor ?? 'readyz';
  await pollUntil(
    `${name} /${probe}`,
    async () => {
      if (exitCode !== undefined)
        throw new StopPolling(`${name} exited with code ${String(exitCode)}; see ${options.logFile}`);
      const res = await fetch(`${healthUrl}/${probe}`).catch(() => undefined);
      return res?.ok ? true : undefined;
    },
    60_000,
  );
  return {
    name,
    pid: child.pid ?? 0,
    logFile: options.logFile,
    healthUrl,
    get exitCode() {
      return exitCode;
    },
    stop: async (signal: NodeJS.Signals = 'SIGTERM') => {
      if (exitCode !== undefined) return;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
