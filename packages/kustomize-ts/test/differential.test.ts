// Differential test: each case under test/cases is built by kustomize-ts and must equal, byte for byte, what kustomize v5.5.0 printed.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildToYaml } from '../src/index.ts';
import { loadReferenceCases, packageDir, type ReferenceCase } from './support/reference-cases.ts';

const cases = loadReferenceCases();
const knownFailures = loadKnownFailures();
const passing = cases.filter((c) => !knownFailures.has(c.name));
const successCases = passing.filter((c) => c.expectedYaml !== undefined);
const errorCases = passing.filter((c) => c.expectedError !== undefined);
const knownFailing = cases.filter((c) => knownFailures.has(c.name));

describe('reference cases are well formed', () => {
  it('has at least 150 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(150);
  });

  it('the README states exactly what is compared, with the case counts', () => {
    const readme = readFileSync(join(packageDir, 'README.md'), 'utf8').replace(/\s+/g, ' ');
    const completes = cases.filter((c) => c.expectedYaml !== undefined).length;
    expect(readme).toContain(`Of the ${cases.length} differential cases, ${completes} are builds kustomize completes`);
    expect(readme).toContain(`In the other ${cases.length - completes} kustomize fails`);
    expect(readme).toContain(`${cases.length - knownFailing.length} cases pass, ${knownFailing.length} fail`);
  });

  it('every known failure names a case', () => {
    const names = new Set(cases.map((c) => c.name));
    expect([...knownFailures].filter((name) => !names.has(name))).toEqual([]);
  });

  it.each(cases.map((c) => [c.name, c] as const))(
    '%s has exactly one reference: expected.yaml or expected-error.txt',
    (_name, c) => {
      expect([c.expectedYaml !== undefined, c.expectedError !== undefined].filter(Boolean)).toHaveLength(1);
      if (c.expectedError !== undefined) expect(c.expectedError).not.toBe('');
    },
  );
});

describe('buildToYaml equals kustomize build', () => {
  it.each(successCases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const output = await buildToYaml(c.buildDir, buildOptions(c));
    expect(output).toBe(c.expectedYaml);
  });
});

describe('buildToYaml fails where kustomize fails', () => {
  it.each(errorCases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    await expect(buildToYaml(c.buildDir, buildOptions(c))).rejects.toThrow(c.expectedError);
  });
});

// A case listed in test/known-failures.txt is a bug not fixed yet: it must still fail, so one that starts
// passing is noticed and taken off the list.
describe('test/known-failures.txt', () => {
  it('lists only cases that still fail (take a case off when it passes)', async () => {
    const nowPassing: string[] = [];
    for (const c of knownFailing) {
      const passes = await buildToYaml(c.buildDir, buildOptions(c)).then(
        (output) => c.expectedYaml !== undefined && output === c.expectedYaml,
        (error: unknown) => c.expectedError !== undefined && String(error).includes(c.expectedError),
      );
      if (passes) nowPassing.push(c.name);
    }
    expect(nowPassing).toEqual([]);
  });
});

function loadKnownFailures(): Set<string> {
  const file = join(packageDir, 'test', 'known-failures.txt');
  if (!existsSync(file)) return new Set();
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .map((line) => line.replace(/#.*/, '').trim());
  return new Set(lines.filter((line) => line !== ''));
}

function buildOptions(c: ReferenceCase): { loadRestrictor?: 'none' } {
  return c.loadRestrictor === undefined ? {} : { loadRestrictor: c.loadRestrictor };
}
