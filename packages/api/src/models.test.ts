import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { staleModelFiles } from '../scripts/check-models.ts';
import { generateModels, ModelGenerationError } from '../scripts/generate-models.ts';

const crdsRoot = join(import.meta.dirname, '..', 'crds');
const scratch: string[] = [];
function scratchDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'fluxion-api-test-'));
  scratch.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('generated models', () => {
  it('are in sync with the CRDs (run scripts/generate-models.ts when this fails)', () => {
    expect(staleModelFiles()).toEqual([]);
  });

  it('notice a CRD change that was not regenerated', () => {
    const crds = scratchDir();
    cpSync(crdsRoot, crds, { recursive: true });
    const file = join(crds, 'source.toolkit.fluxcd.io', 'gitrepositories.yaml');
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace('                suspend:\n', '                suspended:\n'),
    );
    expect(staleModelFiles(undefined, crds)).toContain('git-repository.ts (differs)');
  });

  it('name the interfaces after schema titles and keep required fields required', () => {
    const gitRepository = generateModels().get('git-repository.ts') ?? '';
    expect(gitRepository).toContain("apiVersion: 'source.toolkit.fluxcd.io/v1';");
    expect(gitRepository).toContain('export interface GitRepositorySpec {');
    expect(gitRepository).toMatch(/\n  url: string;/);
    expect(gitRepository).toMatch(/\n  interval: string;/);
    expect(gitRepository).toMatch(/\n  timeout\?: string;/);
    expect(gitRepository).toContain("mode?: 'head' | 'HEAD' | 'Tag' | 'TagAndHEAD';");
    expect(generateModels().get('shared.ts')).toContain('export interface Condition {');
  });

  it('refuse one title for two different schemas', () => {
    const crds = scratchDir();
    cpSync(crdsRoot, crds, { recursive: true });
    const file = join(crds, 'kustomize.toolkit.fluxcd.io', 'kustomizations.yaml');
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace('title: SubstituteReference', 'title: LocalObjectReference'),
    );
    expect(() => generateModels(crds)).toThrow(ModelGenerationError);
    expect(() => generateModels(crds)).toThrow(/title LocalObjectReference names two different schemas/);
  });
});
