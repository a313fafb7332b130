// The runtime must not load @kubernetes/client-node when a controller runs: it costs every process ~80 MiB.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const runtimeDir = fileURLToPath(new URL('..', import.meta.url));
const indexUrl = pathToFileURL(join(runtimeDir, 'src/index.ts')).href;

/** Records the URL of every module the process resolves, and writes them as JSON to $RECORD_MODULES_TO when it exits. */
const recordingHook = `
import { writeFileSync } from 'node:fs';
import module from 'node:module';
const urls = new Set();
module.registerHooks({
  resolve(specifier, context, nextResolve) {
    const result = nextResolve(specifier, context);
    urls.add(result.url);
    return result;
  },
});
// A file, not stdout: a pipe is written asynchronously and a long list would be cut off at exit.
process.on('exit', () => writeFileSync(process.env.RECORD_MODULES_TO, JSON.stringify([...urls])));
`;

let hookDir: string;
beforeAll(() => {
  hookDir = mkdtempSync(join(tmpdir(), 'run-time-imports-'));
  writeFileSync(join(hookDir, 'record-modules.mjs'), recordingHook);
});
afterAll(() => {
  rmSync(hookDir, { recursive: true, force: true });
});

function modulesLoadedBy(script: string): string[] {
  const record = join(hookDir, 'modules.json');
  execFileSync(
    process.execPath,
    ['--import', pathToFileURL(join(hookDir, 'record-modules.mjs')).href, '--input-type=module', '-e', script],
    {
      cwd: runtimeDir,
      env: { ...process.env, RECORD_MODULES_TO: record },
      timeout: 60_000,
    },
  );
  return JSON.parse(readFileSync(record, 'utf8')) as string[];
}

const isClientNode = (url: string): boolean =>
  url.includes('/@kubernetes/client-node/') || url.includes('/@kubernetes+client-node@');

describe('modules loaded at run time', () => {
  it('importing the runtime, loading a kubeconfig and making a client and a manager loads nothing of @kubernetes/client-node', () => {
    const kubeconfig = join(hookDir, 'kubeconfig');
    writeFileSync(
      kubeconfig,
      'clusters: [{name: c, cluster: {server: "https://127.0.0.1:6443"}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n',
    );
    const loaded = modulesLoadedBy(`
      const runtime = await import(${JSON.stringify(indexUrl)});
      const kubeConfig = runtime.loadKubeConfig({ kubeconfigPath: ${JSON.stringify(kubeconfig)} });
      runtime.createClient({ kubeConfig });
      new runtime.Manager({ name: 'probe', logger: runtime.silentLogger(), kubeConfig, metricsAddress: '0', healthAddress: '0' });
    `);
    expect(loaded).toContain(indexUrl);
    expect(loaded.some((url) => url.endsWith('/src/leader-election.ts'))).toBe(true);
    expect(loaded.filter(isClientNode)).toEqual([]);
  });

  it('would notice if something did load it', () => {
    const loaded = modulesLoadedBy(`await import('@kubernetes/client-node/dist/config.js');`);
    expect(loaded.filter(isClientNode).length).toBeGreaterThan(0);
  });
});
