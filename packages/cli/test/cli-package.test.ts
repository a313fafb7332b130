// The CLI installs on its own: `make cli-package`'s tarball, installed with `npm install --prefix` (offline: the bundle
// has every dependency inside), runs from the installed bin on Node 24 and on the machine's older Node where there is
// one, against a real control plane, with no checkout around it.
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { installCrds } from '@fluxion/api';
import { useTestNamespace, type TestNamespace } from '@fluxion/testenv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCliPackage } from '../../../scripts/bundle/cli-package.ts';

/** Node 24 (this one) and the machine's own Node when it is another, older, version (Debian's 20 here). */
function nodes(): string[] {
  const found = [process.execPath];
  for (const candidate of ['/usr/bin/node', '/usr/local/bin/node']) {
    if (!existsSync(candidate) || resolve(candidate) === process.execPath) continue;
    const version = execFileSync(candidate, ['--version'], { encoding: 'utf8' }).trim();
    if (version !== process.version) found.push(candidate);
  }
  return found;
}

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

describe('the CLI as an npm package', () => {
  let scratch: string;
  let installed: string;
  let env: TestNamespace;
  const version = (
    JSON.parse(readFileSync(join(import.meta.dirname, '..', 'package.json'), 'utf8')) as {
      version: string;
    }
  ).version;

  /** Runs the installed `fluxion` as a shell would: through its bin link, with `node` on PATH being `node`. */
  const fluxion = (node: string, args: string[]) =>
    new Promise<Result>((done) => {
      const env_ = {
        ...(process.env['FLUXION_CACHE'] ? { FLUXION_CACHE: process.env['FLUXION_CACHE'] } : {}),
        PATH: `${dirname(node)}:/usr/bin:/bin`,
        HOME: process.env['HOME'],
        NO_COLOR: '1',
        KUBECONFIG: env.kubeconfigPath,
      };
      execFile(
        join(installed, 'node_modules', '.bin', 'fluxion'),
        args,
        { env: env_, cwd: scratch },
        (error, stdout, stderr) =>
          done({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
      );
    });

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'fluxion-cli-package-'));
    const tarball = await buildCliPackage(scratch);
    expect(tarball).toMatch(new RegExp(`fluxion-cli-${version.replaceAll('.', '\\.')}\\.tgz$`));
    installed = join(scratch, 'installed');
    execFileSync('npm', ['install', '--prefix', installed, '--offline', '--no-audit', '--no-fund', tarball], {
      stdio: 'pipe',
    });
    env = await useTestNamespace('cli-package');
    await installCrds(env.kubeConfig);
    const kustomization = {
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata: { name: 'packaged-apps', namespace: env.namespace },
      spec: { interval: '10m', path: './apps', prune: true, sourceRef: { kind: 'GitRepository', name: 'fleet' } },
    };
    execFileSync('kubectl', ['--kubeconfig', env.kubeconfigPath, 'apply', '-f', '-'], {
      input: JSON.stringify(kustomization),
    });
  }, 180_000);

  afterAll(() => {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('installs one package with no dependencies and nothing of the repository in it', () => {
    const modules = execFileSync('ls', [join(installed, 'node_modules')], { encoding: 'utf8' })
      .trim()
      .split('\n');
    expect(modules.filter((name) => !name.startsWith('.'))).toEqual(['@fluxion']);
    const files = execFileSync('find', ['.', '-type', 'f'], {
      cwd: join(installed, 'node_modules', '@fluxion', 'cli'),
      encoding: 'utf8',
    });
    expect(files).toMatch(/^\.\/dist\/fluxion\.mjs$/m);
    expect(files).toMatch(/^\.\/chart\/Chart\.yaml$/m);
    expect(files).not.toMatch(/\.ts$/m);
  });

  it('refuses, in one line and exit 2, a Node older than 20.11 (this Node made to report 18.20.0)', () => {
    const bin = join(installed, 'node_modules', '@fluxion', 'cli', 'bin', 'fluxion.mjs');
    const pretend = 'data:text/javascript,Object.defineProperty(process.versions, "node", { value: "18.20.0" })';
    const result = spawnSync(process.execPath, ['--import', pretend, bin, '--help'], { encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('fluxion: needs Node.js 20.11 or newer; this is Node.js 18.20.0\n');
  });

  for (const node of nodes()) {
    const nodeVersion = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
    describe(`on Node ${nodeVersion}`, () => {
      it('answers --help and version, the API server version included', async () => {
        const help = await fluxion(node, ['--help']);
        expect(help).toMatchObject({ code: 0 });
        expect(help.stdout).toMatch(/^Usage: fluxion <command>/m);
        const versions = await fluxion(node, ['version']);
        expect(versions.stderr).toBe('');
        expect(versions.stdout).toMatch(new RegExp(`^fluxion: ${version}\\nkubernetes: v1\\.\\d+\\.\\d+`, 'm'));
      });

      it('lists Kustomizations in every namespace', async () => {
        const listed = await fluxion(node, ['get', 'kustomizations', '-A']);
        expect(listed.stderr).toBe('');
        expect(listed.code).toBe(0);
        expect(listed.stdout).toMatch(/^NAMESPACE\s+NAME\s+REVISION\s+SUSPENDED\s+READY\s+MESSAGE/m);
        expect(listed.stdout).toMatch(new RegExp(`^${env.namespace}\\s+packaged-apps\\s`, 'm'));
      });

      it('renders the chart it carries for `install --export`', async () => {
        const rendered = await fluxion(node, ['install', '--export', '--components', 'source']);
        expect(rendered.code).toBe(0);
        expect(rendered.stdout).toContain('name: source-controller');
        expect(rendered.stdout).not.toContain('name: kustomize-controller\n');
      });
    });
  }
});
