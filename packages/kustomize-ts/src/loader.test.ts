// Load restrictions on a real disk tree with symlinks: what kustomize-controller relies on to contain a build.
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildToYaml } from './index.ts';

let top = '';

beforeAll(() => {
  top = mkdtempSync(join(tmpdir(), 'kustomize-ts-loader-'));
  const repo = join(top, 'repo');
  mkdirSync(join(repo, 'app'), { recursive: true });
  mkdirSync(join(repo, 'shared'), { recursive: true });
  writeFileSync(join(top, 'secret.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: leaked\n');
  writeFileSync(join(repo, 'shared', 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shared\n');
  writeFileSync(join(repo, 'shared', 'kustomization.yaml'), 'resources:\n- cm.yaml\n');
  symlinkSync(join(top, 'secret.yaml'), join(repo, 'app', 'escape.yaml'));
  symlinkSync(join(repo, 'shared', 'cm.yaml'), join(repo, 'app', 'inside.yaml'));
});

afterAll(() => rmSync(top, { recursive: true, force: true }));

function write(name: string, kustomization: string): string {
  const dir = join(top, 'repo', name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'kustomization.yaml'), kustomization);
  return dir;
}

describe('load restrictions on disk', () => {
  it('refuses a symlink that points outside the kustomization directory', async () => {
    const dir = write('app', 'resources:\n- escape.yaml\n');
    await expect(buildToYaml(dir)).rejects.toThrow('is not in or below');
  });

  it('reads a base in a sibling directory inside the root', async () => {
    const dir = write('overlay', 'resources:\n- ../shared\n');
    await expect(buildToYaml(dir, { root: join(top, 'repo') })).resolves.toContain('name: shared');
  });

  it('refuses a base outside the root', async () => {
    const dir = write('outer', 'resources:\n- ../../\n');
    await expect(buildToYaml(dir, { root: join(top, 'repo') })).rejects.toThrow('is not in or below the root');
  });

  it('with loadRestrictor none, follows a symlink out of the kustomization but not out of the root', async () => {
    const dir = write('app2', 'resources:\n- ../app/inside.yaml\n');
    await expect(buildToYaml(dir, { loadRestrictor: 'none', root: join(top, 'repo') })).resolves.toContain(
      'name: shared',
    );
    const escaping = write('app3', 'resources:\n- ../app/escape.yaml\n');
    await expect(buildToYaml(escaping, { loadRestrictor: 'none', root: join(top, 'repo') })).rejects.toThrow(
      'is not in or below the root',
    );
  });
});
