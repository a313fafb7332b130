import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findHelmBinary } from '@fluxion/testenv';
import { HelmCli, HelmCommandError, helmErrorMessage } from './helm-cli.ts';

describe('helm CLI', () => {
  it("keeps helm's error lines whole, without the Error: prefix, warnings or URL credentials", () => {
    const stderr = `WARNING: Kubernetes configuration file is group-readable
Error: INSTALLATION FAILED: values don't meet the specifications of the schema(s) in the following chart(s):
small:
- at '/replicaCount': got string, want integer
`;
    expect(helmErrorMessage(stderr)).toBe(
      "INSTALLATION FAILED: values don't meet the specifications of the schema(s) in the following chart(s): small: - at '/replicaCount': got string, want integer",
    );
    expect(helmErrorMessage('Error: failed to fetch https://user:pass@charts.example.com/index.yaml')).toBe(
      'failed to fetch https://***@charts.example.com/index.yaml',
    );
  });

  it('runs the real helm 4 and reports its failures as HelmCommandError', async () => {
    const home = await mkdtemp(join(tmpdir(), 'helm-cli-test-'));
    try {
      const helm = new HelmCli({ helmPath: findHelmBinary(), homeDir: home });
      expect((await helm.run(['version', '--short'], { timeoutMs: 10_000 })).stdout).toMatch(/^v4\./);
      const error = await helm.run(['install'], { timeoutMs: 10_000 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(HelmCommandError);
      expect((error as Error).message).toMatch(/requires at least 1 arg/);
      const plugins = await helm.run(['plugin', 'list'], { timeoutMs: 10_000 });
      expect(plugins.stdout).toContain('fluxion-post-renderer');
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });
});
