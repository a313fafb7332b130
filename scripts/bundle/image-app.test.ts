// What a controller's image holds in /app: its bundles and the files they read, with shipped scripts that started a
// source file starting its bundle; and a loud failure when such a script changed under the entry list.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleEntries } from './entries.ts';
import { layOutImageApp } from './image-app.ts';

const scratch = mkdtempSync(join(tmpdir(), 'fluxion-image-app-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('layOutImageApp', () => {
  it("lays out helm-controller's bundles and its post-renderer plugin, pointed at the plugin's bundle", async () => {
    const app = join(scratch, 'helm-controller');
    await layOutImageApp('helm-controller', app);
    expect(readdirSync(app).sort()).toEqual(['dist', 'helm-plugins']);
    expect(readdirSync(join(app, 'dist')).sort()).toEqual(['helm-controller.mjs', 'post-renderer-main.mjs']);
    const script = readFileSync(join(app, 'helm-plugins/fluxion-post-renderer/post-render'), 'utf8');
    expect(script).toContain('/../../dist/post-renderer-main.mjs');
    expect(script).not.toContain('src/');
    expect(existsSync(join(app, 'helm-plugins/fluxion-post-renderer/plugin.yaml'))).toBe(true);
  }, 120_000);

  it("ships openpgp (LGPL-3.0) beside kustomize-controller's bundle as its own replaceable files, not inside it", async () => {
    const app = join(scratch, 'kustomize-controller');
    await layOutImageApp('kustomize-controller', app);
    expect(readdirSync(join(app, 'node_modules'))).toEqual(['openpgp']);
    expect(readFileSync(join(app, 'node_modules/openpgp/LICENSE'), 'utf8')).toContain('LESSER GENERAL PUBLIC LICENSE');
    const bundled = readFileSync(join(app, 'dist/kustomize-controller.mjs'), 'utf8');
    expect(bundled).toContain('import("openpgp")');
    expect(bundled).not.toContain('node_modules/openpgp/');
    // the bundle's import resolves to the shipped copy, and it is the library sops-keys.ts uses
    const loaded = execFileSync(
      process.execPath,
      ['--input-type=module', '-e', "const m = await import('openpgp'); console.log(typeof m.readPrivateKeys)"],
      { cwd: join(app, 'dist'), encoding: 'utf8' },
    );
    expect(loaded.trim()).toBe('function');
  }, 120_000);

  it('fails, naming the script and the entry list, when a shipped script no longer starts the source it names', async () => {
    const entries = bundleEntries.map((entry) =>
      // plugin.yaml does not start the post-renderer: it stands for a script rewritten under the entry list
      entry.name === 'post-renderer-main'
        ? { ...entry, calledFrom: ['helm-plugins/fluxion-post-renderer/plugin.yaml'] }
        : entry,
    );
    await expect(layOutImageApp('helm-controller', join(scratch, 'renamed'), entries)).rejects.toThrow(
      'helm-controller/helm-plugins/fluxion-post-renderer/plugin.yaml no longer names src/post-renderer-main.ts: ' +
        'update calledFrom in scripts/bundle/entries.ts',
    );
  }, 120_000);
});
