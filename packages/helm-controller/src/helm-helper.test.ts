import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pollUntil } from '@fluxion/testenv';
import { HelmCommandError } from './helm-cli.ts';
import { findHelmHelper } from './helm-helper-binary.ts';
import { HelmHelper } from './helm-helper.ts';

const helperPath = findHelmHelper();

describe('fluxion-helm-helper', () => {
  it('is built by make setup for these sources', () => {
    expect(helperPath, 'run make setup (packages/helm-controller/helper/build.sh)').toBeTruthy();
  });

  it("answers with helm's errors: an unknown command, a flag helm does not take, a kubeconfig that is not there", async () => {
    const helper = new HelmHelper({ helperPath: helperPath ?? 'fluxion-helm-helper' });
    try {
      const unknown = await helper.run(['frobnicate'], { timeoutMs: 10_000 }).catch((e: unknown) => e);
      expect(unknown).toBeInstanceOf(HelmCommandError);
      expect((unknown as Error).message).toContain('unknown command "frobnicate"');
      const badFlag = await helper.run(['uninstall', 'x', '--no-such-flag'], { timeoutMs: 10_000 }).catch((e) => e);
      expect((badFlag as Error).message).toContain('unknown flag: --no-such-flag');
      const args = ['uninstall', 'x', '--kubeconfig', '/nonexistent/kubeconfig'];
      const unreachable = await helper.run(args, { timeoutMs: 10_000 }).catch((e: unknown) => e);
      expect((unreachable as Error).message).toMatch(/kubernetes cluster unreachable: .*\/nonexistent\/kubeconfig/);
    } finally {
      helper.stop();
    }
  });

  it('fails the actions in flight when the helper dies, and starts a new one for the next', async () => {
    // an API server that accepts connections and never answers: the action stays in flight
    const sockets: Socket[] = [];
    const server = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const dir = await mkdtemp(join(tmpdir(), 'helm-helper-test-'));
    const kubeconfig = join(dir, 'kubeconfig');
    await writeFile(
      kubeconfig,
      `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: 'https://127.0.0.1:${port}', insecure-skip-tls-verify: true}}]
users: [{name: u, user: {token: t}}]
contexts: [{name: c, context: {cluster: c, user: u}}]
current-context: c
`,
    );
    const helper = new HelmHelper({ helperPath: helperPath ?? 'fluxion-helm-helper' });
    try {
      const inFlight = helper.run(['uninstall', 'x', '--kubeconfig', kubeconfig], { timeoutMs: 60_000 });
      const firstPid = helper.pid;
      expect(firstPid).toBeGreaterThan(0);
      await pollUntil('the helper connecting to the API server', async () => sockets.length > 0, 20_000, 20);
      process.kill(firstPid!, 'SIGKILL');
      const error = await inFlight.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(HelmCommandError);
      expect((error as Error).message).toMatch(/^helm uninstall failed: the helm helper exited \(SIGKILL\)/);
      const next = await helper.run(['frobnicate'], { timeoutMs: 10_000 }).catch((e: unknown) => e);
      expect((next as Error).message).toContain('unknown command');
      expect(helper.pid).not.toBe(firstPid);
    } finally {
      helper.stop();
      for (const socket of sockets) socket.destroy();
      server.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
