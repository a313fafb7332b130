// The helm binary the chart is tested with: built once by charts/fluxion/scripts/install-helm.sh.
import { execFile } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const repositoryRoot = join(import.meta.dirname, '..', '..');
export const chartDirectory = join(repositoryRoot, 'charts', 'fluxion');
export const installHelmScript = 'charts/fluxion/scripts/install-helm.sh';

/** helm is not where the install script puts it; the message says how to get it. */
export class HelmMissingError extends Error {
  override readonly name = 'HelmMissingError';
  readonly reason = 'HelmMissing';
}

/** helm ran and failed; the message carries its stderr. */
export class HelmCommandError extends Error {
  override readonly name = 'HelmCommandError';
  readonly reason = 'HelmFailed';
  readonly stderr: string;
  constructor(args: readonly string[], stderr: string) {
    super(`helm ${args.join(' ')} failed: ${stderr.trim()}`);
    this.stderr = stderr;
  }
}

export function pinnedHelmVersion(): string {
  return readFileSync(join(chartDirectory, 'scripts', 'helm-version'), 'utf8').trim();
}

/** `$FLUXION_HELM`, or the install script's output path for the pinned version. */
export function findHelm(): string {
  const cacheRoot =
    process.env.FLUXION_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'fluxion');
  const path = process.env.FLUXION_HELM ?? join(cacheRoot, 'helm', `v${pinnedHelmVersion()}`, 'helm');
  try {
    accessSync(path, constants.X_OK);
  } catch {
    throw new HelmMissingError(
      `no helm binary at ${path}: run \`bash ${installHelmScript}\` (or \`make setup\`) to build helm v${pinnedHelmVersion()} from its Go module, or set FLUXION_HELM to a helm v4 binary`,
    );
  }
  return path;
}

export async function runHelm(helm: string, args: readonly string[]): Promise<string> {
  try {
    const { stdout } = await run(helm, args, { cwd: repositoryRoot, maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const failure = error as { stderr?: string; stdout?: string; message: string };
    throw new HelmCommandError(args, failure.stderr || failure.stdout || failure.message);
  }
}
