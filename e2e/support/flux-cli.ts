// The real flux CLI (fluxcd/flux2), built once by packages/cli/scripts/install-flux-cli.sh, run as a subprocess.
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const fluxVersion = '2.9.5';
export const installFluxScript = 'packages/cli/scripts/install-flux-cli.sh';

/** `$FLUXION_FLUX`, or where the install script puts the pinned version; a clear error naming the script otherwise. */
export function findFlux(): string {
  const cacheRoot =
    process.env['FLUXION_CACHE'] ?? join(process.env['XDG_CACHE_HOME'] ?? join(homedir(), '.cache'), 'fluxion');
  const path = process.env['FLUXION_FLUX'] ?? join(cacheRoot, 'flux', `v${fluxVersion}`, 'flux');
  try {
    accessSync(path, constants.X_OK);
  } catch {
    throw new Error(
      `the flux CLI is not at ${path}; build it with: bash ${installFluxScript} (or make flux-cli), or set FLUXION_FLUX`,
    );
  }
  return path;
}

export interface FluxResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runFlux(flux: string, args: readonly string[], kubeconfig: string): Promise<FluxResult> {
  return new Promise((resolve) => {
    execFile(
      flux,
      [...args, '--kubeconfig', kubeconfig],
      { timeout: 120_000, env: { ...process.env, NO_COLOR: '1' } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
