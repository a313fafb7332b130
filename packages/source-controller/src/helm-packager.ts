// Packages a chart directory into `<name>-<version>.tgz` with the real helm binary (`helm package`, after
// `helm dependency build` when Chart.yaml lists dependencies that charts/ lacks), with helm's state in a temp home.
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdir, readdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ChartMetadata } from './helm-chart-metadata.ts';
import { SourceError } from './source-error.ts';

const run = promisify(execFile);
/** The helm release the repository builds (charts/fluxion/scripts/helm-version) and looks for in its cache. */
export const defaultHelmVersion = '4.3.2';

/** `--helm-path`, else `$FLUXION_HELM`, else the build cache's helm, else `helm` from PATH. */
export function findHelm(explicit?: string): string {
  if (explicit) return explicit;
  if (process.env.FLUXION_HELM) return process.env.FLUXION_HELM;
  const cacheRoot = process.env.FLUXION_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'fluxion');
  const cached = join(cacheRoot, 'helm', `v${defaultHelmVersion}`, 'helm');
  try {
    accessSync(cached, constants.X_OK);
    return cached;
  } catch {
    return 'helm';
  }
}

export interface PackageOptions {
  helm: string;
  chartDirectory: string;
  metadata: ChartMetadata;
  /** Overrides Chart.yaml's version (`<version>+<digest>` under reconcileStrategy Revision). */
  version?: string;
  destination: string;
  /** Helm's cache/config/data go here, never to the controller's home. */
  workDirectory: string;
  timeoutMs: number;
  where: string;
}

/** Returns the path of the packaged chart. */
export async function packageChart(options: PackageOptions): Promise<string> {
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: options.workDirectory,
    HELM_CACHE_HOME: join(options.workDirectory, 'cache'),
    HELM_CONFIG_HOME: join(options.workDirectory, 'config'),
    HELM_DATA_HOME: join(options.workDirectory, 'data'),
  };
  if (await missingDependencies(options.chartDirectory, options.metadata)) {
    await helm(options, ['dependency', 'build', options.chartDirectory], env, 'DependencyBuildError', 'dependency build error');
  }
  await mkdir(options.destination, { recursive: true });
  const args = ['package', options.chartDirectory, '--destination', options.destination];
  if (options.version) args.push('--version', options.version);
  await helm(options, args, env, 'ChartPackageError', 'chart package error');
  return join(options.destination, `${options.metadata.name}-${options.version ?? options.metadata.version}.tgz`);
}

// Vendored dependencies (charts/<name>-<version>.tgz or charts/<name>/) need no build.
async function missingDependencies(chartDirectory: string, metadata: ChartMetadata): Promise<boolean> {
  if (metadata.dependencies.length === 0) return false;
  const vendored = await readdir(join(chartDirectory, 'charts')).catch(() => [] as string[]);
  return metadata.dependencies.some((dependency) => !vendored.some((entry) => entry === dependency.name || entry.startsWith(`${dependency.name}-`)));
}

async function helm(options: PackageOptions, args: string[], env: NodeJS.ProcessEnv, reason: string, summary: string): Promise<void> {
  try {
    await run(options.helm, args, { env, cwd: options.workDirectory, timeout: options.timeoutMs, maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    const failure = error as NodeJS.ErrnoException & { stderr?: string; killed?: boolean };
    if (failure.code === 'ENOENT') {
      throw new SourceError(reason, `${summary}: ${options.where}: no helm binary at '${options.helm}' (set --helm-path or FLUXION_HELM)`);
    }
    const detail = failure.killed ? `timed out after ${options.timeoutMs / 1000}s` : (failure.stderr || failure.message).trim().replaceAll(options.workDirectory, '.');
    throw new SourceError(reason, `${summary}: ${options.where}: ${detail}`);
  }
}
