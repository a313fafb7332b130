// Differential test: each case under test/cases is built by kustomize-ts and must equal, byte for byte, what kustomize v5.5.0 printed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildToYaml } from '../src/index.ts';
import { loadReferenceCases, packageDir } from './support/reference-cases.ts';

const cases = loadReferenceCases();
const successCases = cases.filter((c) => c.expectedYaml !== undefined);
const errorCases = cases.filter((c) => c.expectedError !== undefined);

describe('reference cases are well formed', () => {
  it('has at least 150 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(150);
  });

  it('the README states exactly what is compared, with the case counts', () => {
    const readme = readFileSync(join(packageDir, 'README.md'), 'utf8').replace(/\s+/g, ' ');
    expect(readme).toContain(`Of the ${cases.length} differential cases, ${successCases.length} are builds kustomize completes`);
    expect(readme).toContain(`In the other ${errorCases.length} kustomize fails`);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s has exactly one reference: expected.yaml or expected-error.txt', (_name, c) => {
    expect([c.expectedYaml !== undefined, c.expectedError !== undefined].filter(Boolean)).toHaveLength(1);
    if (c.expectedError !== undefined) expect(c.expectedError).not.toBe('');
  });
});

describe('buildToYaml equals kustomize build', () => {
  it.each(successCases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const output = await buildToYaml(c.buildDir);
    expect(output).toBe(c.expectedYaml);
  });
});

describe('buildToYaml fails where kustomize fails', () => {
  it.each(errorCases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    await expect(buildToYaml(c.buildDir)).rejects.toThrow(c.expectedError);
  });
});
