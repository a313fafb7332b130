// Runs the real `fluxion` binary as a subprocess, as a user's shell would, and collects what it printed and its exit code.
import { spawn } from 'node:child_process';
import { join } from 'node:path';

export const fluxionBin = join(import.meta.dirname, '..', 'bin', 'fluxion');

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runFluxion(
  args: readonly string[],
  options: { kubeconfig?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(fluxionBin, args, {
      env: {
        ...process.env,
        NO_COLOR: '1',
        ...options.env,
        ...(options.kubeconfig ? { KUBECONFIG: options.kubeconfig } : {}),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** A long-running command (--watch): its output so far, and a way to stop it with Ctrl-C. */
export function startFluxion(
  args: readonly string[],
  options: { kubeconfig: string },
): { output: () => string; interrupt: () => Promise<RunResult> } {
  const child = spawn(fluxionBin, args, {
    env: { ...process.env, NO_COLOR: '1', KUBECONFIG: options.kubeconfig },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const closed = new Promise<RunResult>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  return {
    output: () => stdout,
    interrupt: () => {
      child.kill('SIGINT');
      return closed;
    },
  };
}
