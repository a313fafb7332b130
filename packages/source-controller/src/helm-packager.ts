// Packages a chart directory into `<name>-<version>.tgz` with the real helm binary (`helm package`, after
// `helm dependency build` when Chart.yaml lists dependencies that charts/ lacks), with helm's state in a temp home.
import { execFile, type ExecFileOptions } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ChartMetadata } from './helm-chart-metadata.ts';
import type { HelmRepositoryAccess } from './helm-repository-access.ts';
import type { HttpTls } from './http-download.ts';
import { SourceError } from './source-error.ts';

const run = promisify(execFile);

function runWithInput(
  file: string,
  args: string[],
  options: ExecFileOptions,
  input: string | undefined,
): Promise<unknown> {
  if (input === undefined) return run(file, args, options);
  return new Promise((resolve, reject) => {
    const child = execFile(file, args, options, (error, stdout, stderr) =>
      error ? reject(Object.assign(error, { stderr })) : resolve({ stdout, stderr }),
    );
    child.stdin?.end(input);
  });
}
/** The helm release the repository builds (charts/fluxion/scripts/helm-version) and looks for in its cache. */
export const defaultHelmVersion = '4.3.2';

/** `--helm-path`, else `$FLUXION_HELM`, else the build cache's helm, else `helm` from PATH. */
export function findHelm(explicit?: string): string {
  if (explicit) return explicit;
  if (process.env.FLUXION_HELM) return process.env.FLUXION_HELM;
  const cacheRoot =
    process.env.FLUXION_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'fluxion');
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
  /** Credentials for a dependency repository URL (a HelmRepository of the namespace with that URL), if any. */
  repositoryAccess?: (url: string) => Promise<HelmRepositoryAccess | undefined>;
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
    // `helm dependency build` only downloads from repositories it knows by name: register each HTTP(S) one.
    const urls = [
      ...new Set(
        options.metadata.dependencies
          .map((dependency) => dependency.repository ?? '')
          .filter((url) => /^https?:\/\//.test(url)),
      ),
    ];
    for (const [position, url] of urls.entries()) {
      const args = ['repo', 'add', `dependency-${position}`, url];
      const access = await options.repositoryAccess?.(url);
      let input: string | undefined;
      if (access?.basicAuth) {
        // The password reaches helm on stdin, never on a command line.
        args.push('--username', access.basicAuth.username, '--password-stdin');
        input = access.basicAuth.password;
      }
      if (access?.tls) args.push(...(await tlsFiles(options.workDirectory, position, access.tls)));
      await helm(options, args, env, 'DependencyBuildError', 'dependency build error', input);
    }
    await helm(
      options,
      ['dependency', 'build', options.chartDirectory],
      env,
      'DependencyBuildError',
      'dependency build error',
    );
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
  return metadata.dependencies.some(
    (dependency) => !vendored.some((entry) => entry === dependency.name || entry.startsWith(`${dependency.name}-`)),
  );
}

// helm reads TLS material from files: 0600 files in the work directory, removed with it.
async function tlsFiles(workDirectory: string, position: number, tls: HttpTls): Promise<string[]> {
  const args: string[] = [];
  for (const [flag, content, name] of [
    ['--ca-file', tls.caCert, 'ca.crt'],
    ['--cert-file', tls.clientCert, 'tls.crt'],
    ['--key-file', tls.clientKey, 'tls.key'],
  ] as const) {
    if (!content) continue;
    const path = join(workDirectory, `dependency-${position}-${name}`);
    await writeFile(path, content, { mode: 0o600 });
    args.push(flag, path);
  }
  return args;
}

async function helm(
  options: PackageOptions,
  args: string[],
  env: NodeJS.ProcessEnv,
  reason: string,
  summary: string,
  input?: string,
): Promise<void> {
  try {
    await runWithInput(
      options.helm,
      args,
      { env, cwd: options.workDirectory, timeout: options.timeoutMs, maxBuffer: 16 * 1024 * 1024 },
      input,
    );
  } catch (error) {
    const failure = error as NodeJS.ErrnoException & { stderr?: string; killed?: boolean };
    if (failure.code === 'ENOENT') {
      throw new SourceError(
        reason,
        `${summary}: ${options.where}: no helm binary at '${options.helm}' (set --helm-path or FLUXION_HELM)`,
      );
    }
    const detail = failure.killed
      ? `timed out after ${options.timeoutMs / 1000}s`
      : (failure.stderr || failure.message).trim().replaceAll(options.workDirectory, '.');
    throw new SourceError(reason, `${summary}: ${options.where}: ${detail}`);
  }
}
