// push artifact / pull artifact against a real registry, and an OCIRepository (source-controller as a process) consuming it.
import { installCrds } from '@fluxion/api';
import { createClient } from '@fluxion/runtime';
import { startOciRegistry, useTestNamespace, type OciRegistry, type TestNamespace } from '@fluxion/testenv';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFluxControllers } from './controllers.ts';
import { runFluxion } from './run-fluxion.ts';

let env: TestNamespace;
let registry: OciRegistry;
let controllers: { stop(): Promise<void> };
let source: string;

beforeAll(async () => {
  env = await useTestNamespace('cli-oci');
  await installCrds(env.kubeConfig);
  registry = await startOciRegistry();
  controllers = await startFluxControllers(env.kubeconfigPath, env.namespace);
  source = mkdtempSync(join(tmpdir(), 'fluxion-push-'));
  mkdirSync(join(source, 'app'));
  writeFileSync(
    join(source, 'app', 'config.yaml'),
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: pushed\ndata:\n  version: "1"\n',
  );
  writeFileSync(join(source, 'README.md'), '# not shipped\n');
});

afterAll(async () => {
  await controllers?.stop();
  await registry?.stop();
});

describe('push and pull artifact', () => {
  it("pushes a directory in Flux's format, pulls it back, and an OCIRepository serves it", async () => {
    const url = `oci://${registry.host}/fleet/app:v1`;
    const pushed = await runFluxion([
      'push',
      'artifact',
      url,
      '--path',
      source,
      '--source',
      'https://git.example.com/fleet',
      '--revision',
      'main@sha1:1234567',
      '--ignore-paths',
      '*.md',
      '--insecure-registry',
    ]);
    expect(pushed.code, pushed.stderr).toBe(0);
    const digest = /@(sha256:[0-9a-f]{64})$/m.exec(pushed.stdout)?.[1];
    expect(pushed.stdout).toBe(`✔ pushed ${registry.host}/fleet/app:v1@${digest}\n`);

    const into = mkdtempSync(join(tmpdir(), 'fluxion-pull-'));
    const pulled = await runFluxion(['pull', 'artifact', url, '--output', into, '--insecure-registry']);
    expect(pulled.code, pulled.stderr).toBe(0);
    expect(readFileSync(join(into, 'app', 'config.yaml'), 'utf8')).toContain('name: pushed');
    expect(() => readFileSync(join(into, 'README.md'))).toThrow();

    const client = createClient({ kubeconfigPath: env.kubeconfigPath });
    await client.apply(
      {
        apiVersion: 'source.toolkit.fluxcd.io/v1',
        kind: 'OCIRepository',
        metadata: { name: 'app', namespace: env.namespace },
        spec: { interval: '10m', url: `oci://${registry.host}/fleet/app`, ref: { tag: 'v1' }, insecure: true },
      } as never,
      { fieldManager: 'cli-test' },
    );
    const reconciled = await runFluxion(
      ['reconcile', 'source', 'oci', 'app', '-n', env.namespace, '--timeout', '60s'],
      { kubeconfig: env.kubeconfigPath },
    );
    expect(reconciled.stdout).toContain(
      `✔ OCIRepository ${env.namespace}/app reconciled: fetched revision v1@${digest}`,
    );
    expect(reconciled.code).toBe(0);
  });

  it('names the registry when it cannot be reached or the tag does not exist', async () => {
    const missing = await runFluxion([
      'pull',
      'artifact',
      `oci://${registry.host}/fleet/app:nope`,
      '--output',
      tmpdir(),
      '--insecure-registry',
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(registry.host);
    const refused = await runFluxion([
      'push',
      'artifact',
      'oci://127.0.0.1:1/fleet/app:v1',
      '--path',
      source,
      '--insecure-registry',
    ]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('127.0.0.1:1');
  });
});
