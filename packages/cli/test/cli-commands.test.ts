// The fluxion binary against a real control plane with source- and kustomize-controller running as processes.
import { pollUntil } from '@fluxion/testenv';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFluxControllers } from './controllers.ts';
import { gitRepository, kustomization, startCliFixture, type CliFixture } from './fixture.ts';
import { fluxionBin, runFluxion, startFluxion } from './run-fluxion.ts';

let fixture: CliFixture;
let controllers: { stop(): Promise<void>; logFiles: string[] };
let ns: string;
const fluxion = (...args: string[]) => runFluxion(args, { kubeconfig: fixture.env.kubeconfigPath });

async function readyKustomization(name: string, revision: string): Promise<void> {
  await pollUntil(
    `Kustomization ${name} Ready at ${revision.slice(0, 7)}`,
    async () => {
      const ks = await fixture.client.get<{
        metadata: object;
        status?: { lastAppliedRevision?: string; conditions?: Array<{ type: string; status: string }> };
      }>({
        apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
        kind: 'Kustomization',
        name,
        namespace: ns,
      });
      const ready = ks.status?.conditions?.find((condition) => condition.type === 'Ready');
      return ready?.status === 'True' && ks.status?.lastAppliedRevision === `main@sha1:${revision}` ? true : undefined;
    },
    90_000,
  );
}

beforeAll(async () => {
  fixture = await startCliFixture('cli');
  ns = fixture.env.namespace;
  controllers = await startFluxControllers(fixture.env.kubeconfigPath, ns);
  await fixture.apply(gitRepository(ns, 'app', fixture.git.urlOf('app')), kustomization(ns, 'app'));
  await readyKustomization('app', fixture.head);
});

afterAll(async () => {
  await controllers?.stop();
  await fixture?.stop();
});

describe('version and help', () => {
  it('prints its own version without a cluster, and the API server version with one', async () => {
    const client = await runFluxion(['version', '--client'], { env: { KUBECONFIG: '/nonexistent' } });
    expect(client).toMatchObject({ code: 0, stdout: 'fluxion: 0.1.0\n' });
    const full = await fluxion('version');
    expect(full.code).toBe(0);
    expect(full.stdout).toMatch(/^kubernetes: v1\.\d+\.\d+/m);
  });

  it('answers --help for every command with its usage and flags, exit 0', async () => {
    for (const command of [
      'get',
      'reconcile',
      'suspend',
      'resume',
      'status',
      'events',
      'tree',
      'export',
      'check',
      'create source git',
    ]) {
      const result = await fluxion(...command.split(' '), '--help');
      expect(result.code, command).toBe(0);
      expect(result.stdout, command).toContain(`Usage: fluxion ${command}`);
      expect(result.stdout, command).toContain('--kubeconfig');
    }
  });

  it('refuses an unknown command or flag with exit code 2 and a suggestion', async () => {
    expect(await fluxion('gte', 'ks')).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('unknown command "gte"; did you mean "get"?'),
    });
    expect(await fluxion('get', 'ks', '--namespce', 'x')).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('did you mean "namespace"'),
    });
  });
});

describe('get', () => {
  it('lists Kustomizations with revision, suspended, ready and message', async () => {
    const result = await fluxion('get', 'ks', '-n', ns);
    expect(result.code).toBe(0);
    const [header, row] = result.stdout.trim().split('\n');
    expect(header).toMatch(/^NAME\s+REVISION\s+SUSPENDED\s+READY\s+MESSAGE$/);
    expect(row).toMatch(
      new RegExp(`^app\\s+main@sha1:${fixture.head}\\s+False\\s+True\\s+Applied revision: main@sha1:${fixture.head}`),
    );
  });

  it('gives JSON and YAML lists that scripts can read', async () => {
    const json = JSON.parse((await fluxion('get', 'source', 'git', '-n', ns, '-o', 'json')).stdout) as {
      kind: string;
      items: Array<{ metadata: { name: string } }>;
    };
    expect(json.kind).toBe('List');
    expect(json.items.map((item) => item.metadata.name)).toEqual(['app']);
    const single = parse((await fluxion('get', 'ks', 'app', '-n', ns, '-o', 'yaml')).stdout) as {
      kind: string;
      spec: { path: string };
    };
    expect(single).toMatchObject({ kind: 'Kustomization', spec: { path: './deploy' } });
  });

  it('get all -A shows every installed kind that has objects, kind/name, with the namespace column', async () => {
    const result = await fluxion('get', 'all', '-A');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^${ns}\\s+gitrepository/app\\s+main@sha1:${fixture.head}`, 'm'));
    expect(result.stdout).toMatch(new RegExp(`^${ns}\\s+kustomization/app\\s+main@sha1:${fixture.head}`, 'm'));
  });

  it('suggests the nearest name and the nearest kind', async () => {
    const missing = await fluxion('get', 'ks', 'ap', '-n', ns);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`Kustomization "ap" not found in namespace ${ns}; did you mean "app"?`);
    const elsewhere = await fluxion('get', 'ks', 'app', '-n', 'default');
    expect(elsewhere.stderr).toMatch(new RegExp(`it exists in namespace ([\\w-]+, )*${ns}(, [\\w-]+)* \\(use -n\\)`));
    const kind = await fluxion('get', 'kustomizatoins');
    expect(kind).toMatchObject({ code: 2, stderr: expect.stringContaining('did you mean "kustomizations"') });
    // a missing CRD naming its controller: cli-install.test.ts, on a control plane without the CRDs
  });

  it('--watch prints the table, then a row when an object changes', async () => {
    const watch = startFluxion(['get', 'ks', '-n', ns, '--watch'], { kubeconfig: fixture.env.kubeconfigPath });
    await pollUntil('watch prints app', async () => (/^app\s/m.test(watch.output()) ? true : undefined));
    expect((await fluxion('suspend', 'ks', 'app', '-n', ns)).code).toBe(0);
    await pollUntil('watch prints app suspended', async () =>
      /^app\s+\S+\s+True\s/m.test(watch.output()) ? true : undefined,
    );
    const ended = await watch.interrupt();
    expect(ended.stdout.split('\n')[0]).toMatch(/^NAME\s+REVISION/);
    expect((await fluxion('resume', 'ks', 'app', '-n', ns)).code).toBe(0);
  });
});

describe('reconcile, suspend, resume', () => {
  it('reconcile ks --with-source fetches the new commit and prints the applied revision', async () => {
    const head = fixture.commitConfig('reconciled');
    const result = await fluxion('reconcile', 'ks', 'app', '--with-source', '-n', ns);
    expect(result.stderr).toContain(`annotating GitRepository ${ns}/app`);
    expect(result.stdout).toContain(`✔ GitRepository ${ns}/app reconciled: fetched revision main@sha1:${head}`);
    expect(result.stdout).toContain(`✔ Kustomization ${ns}/app reconciled: applied revision main@sha1:${head}`);
    expect(result.code).toBe(0);
  });

  it('suspend sets spec.suspend, reconcile then refuses, resume reconciles again', async () => {
    const suspended = await fluxion('suspend', 'ks', 'app', '-n', ns);
    expect(suspended).toMatchObject({ code: 0, stdout: `✔ Kustomization ${ns}/app suspended\n` });
    const ks = await fixture.client.get<{ metadata: object; spec: { suspend?: boolean } }>({
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      name: 'app',
      namespace: ns,
    });
    expect(ks.spec.suspend).toBe(true);
    const refused = await fluxion('reconcile', 'ks', 'app', '-n', ns);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`fluxion resume kustomization app -n ${ns}`);
    const resumed = await fluxion('resume', 'ks', 'app', '-n', ns);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain(
      `✔ Kustomization ${ns}/app reconciled: applied revision main@sha1:${fixture.head}`,
    );
  });

  it('a failing reconcile prints the failure and exits 1', async () => {
    await fixture.apply(kustomization(ns, 'broken', { path: './missing' }));
    const result = await fluxion('reconcile', 'ks', 'broken', '-n', ns, '--timeout', '60s');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`✗ Kustomization ${ns}/broken failed: Ready=False \\w+: .*missing`));
  });

  it('past --timeout it prints the last condition and exits 1', async () => {
    // no helm-controller runs here, so the request is never handled
    await fixture.apply({
      apiVersion: 'helm.toolkit.fluxcd.io/v2',
      kind: 'HelmRelease',
      metadata: { name: 'idle', namespace: ns },
      spec: { interval: '5m', chart: { spec: { chart: 'app', sourceRef: { kind: 'HelmRepository', name: 'none' } } } },
    });
    const result = await fluxion('reconcile', 'hr', 'idle', '-n', ns, '--timeout', '2s');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `HelmRelease ${ns}/idle: timed out after 2s waiting for the reconcile to finish; last condition: no Ready condition yet`,
    );
  });
});

describe('status, events, tree, export', () => {
  it('status shows what is failing, since when, the last good revision and the commands to look closer; exit 1', async () => {
    const result = await fluxion('status', '-n', ns);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/\d+ failing/);
    expect(result.stdout).toMatch(new RegExp(`✗ Kustomization ${ns}/broken  for \\d+\\w* \\(since \\d{4}-`));
    expect(result.stdout).toContain('last good:  none yet');
    expect(result.stdout).toContain(`fluxion events ks broken -n ${ns}`);
    expect(result.stdout).toContain(`fluxion reconcile ks broken -n ${ns} --with-source`);
    expect(result.stdout).not.toContain(`Kustomization ${ns}/app `);
  });

  it("events lists the controllers' Events, newest last, and for one object", async () => {
    const all = await fluxion('events', '-n', ns);
    expect(all.code).toBe(0);
    expect(all.stdout.split('\n')[0]).toMatch(/^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE$/);
    expect(all.stdout).toMatch(/Kustomization\/app\s+/);
    const one = await fluxion('events', 'ks', 'broken', '-n', ns);
    expect(one.stdout).toMatch(/Warning\s+\w+\s+Kustomization\/broken/);
    expect(one.stdout).not.toContain('Kustomization/app');
  });

  it('events --watch prints new events as they happen', async () => {
    const watch = startFluxion(['events', '-n', ns, '--watch'], { kubeconfig: fixture.env.kubeconfigPath });
    await pollUntil('events header', async () => (watch.output().startsWith('LAST SEEN') ? true : undefined));
    const head = fixture.commitConfig('watched');
    expect((await fluxion('reconcile', 'ks', 'app', '--with-source', '-n', ns)).code).toBe(0);
    await pollUntil('an event naming the new revision', async () => (watch.output().includes(head) ? true : undefined));
    const ended = await watch.interrupt();
    expect(ended.stdout).toMatch(new RegExp(`Normal\\s+\\w+\\s+(GitRepository/app|Kustomization/app)\\s+.*${head}`));
  });

  it('colours READY on a terminal only, and never with NO_COLOR', async () => {
    const piped = await runFluxion(['get', 'ks', '-n', ns], {
      kubeconfig: fixture.env.kubeconfigPath,
      env: { NO_COLOR: '' },
    });
    expect(piped.stdout).toMatch(/True/);
    expect(piped.stdout).not.toContain('\u001b[');
    // util-linux script(1) gives the command a pseudo-terminal, as an interactive shell would
    const onTerminal = (noColor: string) =>
      new Promise<string>((resolve, reject) => {
        execFile(
          'script',
          ['-qec', `${fluxionBin} get ks -n ${ns}`, '/dev/null'],
          { env: { ...process.env, KUBECONFIG: fixture.env.kubeconfigPath, NO_COLOR: noColor } },
          (error, stdout) => (error ? reject(error) : resolve(stdout)),
        );
      });
    expect(await onTerminal('')).toContain('\u001b[32mTrue\u001b[0m');
    expect(await onTerminal('1')).not.toContain('\u001b[');
  });

  it('tree ks shows the inventory', async () => {
    const result = await fluxion('tree', 'ks', 'app', '-n', ns);
    expect(result).toMatchObject({ code: 0 });
    expect(result.stdout).toBe(
      `Kustomization/${ns}/app\n├── ConfigMap/${ns}/app-config\n└── Secret/${ns}/app-secret\n`,
    );
  });

  it('export prints apply-able YAML without status', async () => {
    const result = await fluxion('export', 'ks', 'app', '-n', ns);
    const [doc] = parseAllDocuments(result.stdout).map((document) => document.toJS() as Record<string, unknown>);
    expect(doc).toEqual({
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata: { name: 'app', namespace: ns },
      spec: expect.objectContaining({
        path: './deploy',
        prune: true,
        sourceRef: { kind: 'GitRepository', name: 'app' },
      }),
    });
  });
});

describe('create and check', () => {
  it('create source git --export prints a GitRepository', async () => {
    const result = await runFluxion(
      [
        'create',
        'source',
        'git',
        'podinfo',
        '--url',
        'https://github.com/stefanprodan/podinfo',
        '--tag',
        '6.5.0',
        '--export',
      ],
      {
        env: { KUBECONFIG: '/nonexistent' },
      },
    );
    expect(result.code).toBe(0);
    expect(parse(result.stdout)).toEqual({
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'GitRepository',
      metadata: { name: 'podinfo', namespace: 'flux-system' },
      spec: { interval: '1m0s', ref: { tag: '6.5.0' }, url: 'https://github.com/stefanprodan/podinfo' },
    });
  });

  it('create kustomization applies it and waits until it is ready', async () => {
    const result = await fluxion(
      'create',
      'kustomization',
      'second',
      '--source',
      'GitRepository/app',
      '--path',
      'deploy',
      '--prune',
      '--target-namespace',
      ns,
      '-n',
      ns,
    );
    expect(result.stdout).toContain(
      `✔ Kustomization ${ns}/second reconciled: applied revision main@sha1:${fixture.head}`,
    );
    expect(result.code).toBe(0);
  });

  it('check reports the CRDs at their versions, and a controller whose CRDs exist but that runs outside the cluster', async () => {
    const result = await fluxion('check');
    expect(result.stdout).toContain('✔ kustomizations.kustomize.toolkit.fluxcd.io v1');
    expect(result.stdout).toContain('✔ gitrepositories.source.toolkit.fluxcd.io v1');
    expect(result.stdout).toContain('✔ helmreleases.helm.toolkit.fluxcd.io v2');
    // the controllers run as processes here, not as Deployments
    expect(result.stdout).toMatch(/! helm-controller: CRDs installed but no Deployment found/);
    expect(result.code).toBe(0);
  });
});

describe('no cluster', () => {
  it('names the server and the kubeconfig it came from, exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fluxion-kubeconfig-'));
    const path = join(dir, 'config');
    writeFileSync(
      path,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'gone', cluster: { server: 'https://127.0.0.1:1' } }],
        contexts: [{ name: 'gone', context: { cluster: 'gone' } }],
        'current-context': 'gone',
      }),
    );
    const result = await runFluxion(['get', 'ks', '--kubeconfig', path]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      `cannot reach the Kubernetes API server at https://127.0.0.1:1 (context "gone" from kubeconfig ${path})`,
    );
    const context = await runFluxion(['get', 'ks', '--kubeconfig', path, '--context', 'prod']);
    expect(context).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('no context named "prod" (contexts: gone)'),
    });
  });
});
