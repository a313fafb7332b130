// End to end: bin/source-controller as its own process, a GitRepository, the artifact over HTTP, kubectl's view.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type GitRepository, installCrds, SourceApiVersion } from '@fluxion/api';
import { createClient, type KubeClient } from '@fluxion/runtime';
import { freePort, type GitHttpServer, startGitHttpServer, useTestNamespace } from '@fluxion/testenv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { download, eventually, fileInArchive, sha256 } from './support/harness.ts';

const binary = fileURLToPath(new URL('../bin/source-controller', import.meta.url));
const password = 'process-Passw0rd-never-logged';

let namespace = '';
let kubeconfigPath = '';
let client: KubeClient;
let server: GitHttpServer;
let storagePath = '';
let storagePort = 0;
let controller: ChildProcess;
let exited: Promise<number | null>;
let output = '';

beforeAll(async () => {
  const env = await useTestNamespace('scp');
  namespace = env.namespace;
  kubeconfigPath = env.kubeconfigPath;
  await installCrds(env.kubeConfig);
  client = createClient({ kubeConfig: env.kubeConfig });
  server = await startGitHttpServer({ auth: { username: 'flux', password } });
  storagePath = await mkdtemp(join(tmpdir(), 'source-controller-process-'));
  storagePort = await freePort();
  controller = spawn(
    process.execPath,
    [
      binary,
      `--kubeconfig=${kubeconfigPath}`,
      `--storage-path=${storagePath}`,
      `--storage-addr=127.0.0.1:${storagePort}`,
      `--storage-adv-addr=127.0.0.1:${storagePort}`,
      '--metrics-addr=0',
      '--health-addr=127.0.0.1:0',
      // Only this test's namespace: other test files run their own controllers in theirs.
      '--watch-all-namespaces=false',
    ],
    { env: { ...process.env, RUNTIME_NAMESPACE: namespace }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  controller.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  controller.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  exited = new Promise((resolve) => controller.on('exit', (code) => resolve(code)));
});
afterAll(async () => {
  if (controller && controller.exitCode === null) {
    controller.kill('SIGKILL');
    await exited;
  }
  await server?.stop();
  if (storagePath) await rm(storagePath, { recursive: true, force: true });
});

describe('bin/source-controller', () => {
  it('reconciles a GitRepository, serves its artifact, shows in kubectl, removes it on deletion, and stops cleanly on SIGTERM', async () => {
    server.repositories.create('e2e');
    const commit = server.repositories.commit(
      'e2e',
      { 'deploy/app.yaml': 'kind: Namespace\n' },
      { message: 'First deploy' },
    );
    await client.create({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'git-auth', namespace },
      stringData: { username: 'flux', password },
    } as never);
    await client.create<GitRepository>({
      apiVersion: SourceApiVersion,
      kind: 'GitRepository',
      metadata: { name: 'e2e', namespace },
      spec: { url: server.urlOf('e2e'), interval: '1m', ref: { branch: 'main' }, secretRef: { name: 'git-auth' } },
    });

    const repository = await eventually(
      async () => {
        const found = await client.get<GitRepository>({
          apiVersion: SourceApiVersion,
          kind: 'GitRepository',
          namespace,
          name: 'e2e',
        });
        const ready = found.status?.conditions?.find((condition) => condition.type === 'Ready');
        if (ready?.status !== 'True') throw new Error(`not Ready: ${JSON.stringify(found.status)}\n${output}`);
        return found;
      },
      { timeoutMs: 90_000 },
    );
    const artifact = repository.status!.artifact!;
    expect(artifact.revision).toBe(`main@sha1:${commit}`);
    expect(artifact.url).toBe(`http://127.0.0.1:${storagePort}/gitrepository/${namespace}/e2e/${commit}.tar.gz`);
    const tarball = await download(artifact.url);
    expect(sha256(tarball)).toBe(artifact.digest);
    expect(fileInArchive(tarball, 'deploy/app.yaml')).toBe('kind: Namespace\n');

    const table = execFileSync('kubectl', ['--kubeconfig', kubeconfigPath, 'get', 'gitrepositories', '-n', namespace], {
      encoding: 'utf8',
    });
    const [header, row] = table.trim().split('\n');
    expect(header!.split(/\s{2,}/)).toEqual(['NAME', 'URL', 'AGE', 'READY', 'STATUS']);
    expect(row).toMatch(
      new RegExp(
        `^e2e\\s+${server.urlOf('e2e').replace(/[.]/g, '\\.')}\\s+\\S+\\s+True\\s+stored artifact for revision 'main@sha1:${commit}'$`,
      ),
    );

    // Deleting it removes its artifacts (the finalizer), served no more.
    await client.delete({ apiVersion: SourceApiVersion, kind: 'GitRepository', namespace, name: 'e2e' });
    await eventually(async () => {
      expect(
        await client.getIfExists({ apiVersion: SourceApiVersion, kind: 'GitRepository', namespace, name: 'e2e' }),
      ).toBeUndefined();
    });
    expect((await fetch(artifact.url)).status).toBe(404);
    expect(existsSync(join(storagePath, 'gitrepository', namespace, 'e2e'))).toBe(false);

    controller.kill('SIGTERM');
    expect(await exited).toBe(0);
    const lines = output.trim().split('\n');
    expect(lines.every((line) => line.startsWith('{'))).toBe(true);
    expect(output).toContain('"msg":"Stored a new artifact"');
    expect(output).not.toContain(password);
  });
});
