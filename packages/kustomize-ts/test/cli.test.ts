// The `kustomize-ts build DIR` executable: same stdout as kustomize, and on failure exit 1, the reason on stderr, nothing on stdout.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadReferenceCase, packageDir } from './support/reference-cases.ts';

const executable = join(packageDir, 'bin', 'kustomize-ts');

function runCli(args: string[], cwd: string): { status: number | null; stdout: string; stderr: string } {
  // The executable's shebang finds `node` on PATH: make it the Node running this test (24), not the machine's.
  const env = { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}` };
  const result = spawnSync(executable, args, { cwd, env, encoding: 'utf8', timeout: 25_000 });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('bin/kustomize-ts build', () => {
  it.each([
    '015-three-level-overlays',
    '178-generator-behavior-merge-in-overlay',
    '242-platform-repo-prod',
    '010-scalar-styles',
  ])('prints what kustomize prints for %s', (name) => {
    const c = loadReferenceCase(name);
    const result = runCli(['build', c.buildDir], packageDir);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(c.expectedYaml);
    expect(result.status).toBe(0);
  });

  it('resolves a relative directory against the working directory', () => {
    const c = loadReferenceCase('240-platform-repo-dev');
    const result = runCli(['build', c.relativeBuildDir], c.caseDir);
    expect(result.stdout).toBe(c.expectedYaml);
    expect(result.status).toBe(0);
  });

  it.each([
    '903-error-missing-resource-file',
    '902-error-unknown-kustomization-field',
    '909-error-helm-charts-not-supported',
    '908-error-json-patch-missing-path',
  ])('exits 1 with the reason on stderr and nothing on stdout for %s', (name) => {
    const c = loadReferenceCase(name);
    const result = runCli(['build', c.buildDir], packageDir);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(c.expectedError);
    expect(result.status).toBe(1);
  });
});
