// Reads the differential test cases under test/cases: what to build and what kustomize v5.5.0 answered.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const casesDir = fileURLToPath(new URL('../cases/', import.meta.url));
export const packageDir = fileURLToPath(new URL('../../', import.meta.url));

export type ReferenceCase = {
  name: string;
  caseDir: string;
  /** The directory to build: `input/`, or `input/<entry>` when the case has an `entry` file. */
  buildDir: string;
  /** `entry` relative to the case directory, e.g. `input/overlays/prod`, for running the CLI from the case. */
  relativeBuildDir: string;
  /** Exact stdout of `kubectl kustomize`, when kustomize succeeds. */
  expectedYaml?: string;
  /** A substring our error message must contain, when kustomize fails. */
  expectedError?: string;
  /** From the case's `load-restrictor` file: `none` builds as `--load-restrictor LoadRestrictionsNone`. */
  loadRestrictor?: 'none';
};

export function loadReferenceCases(): ReferenceCase[] {
  return readdirSync(casesDir)
    .filter((name) => statSync(join(casesDir, name)).isDirectory())
    .sort()
    .map(loadReferenceCase);
}

export function loadReferenceCase(name: string): ReferenceCase {
  const caseDir = join(casesDir, name);
  const entryFile = join(caseDir, 'entry');
  const entry = existsSync(entryFile) ? readFileSync(entryFile, 'utf8').trim() : '';
  const relativeBuildDir = entry === '' ? 'input' : join('input', entry);
  const expectedYamlFile = join(caseDir, 'expected.yaml');
  const expectedErrorFile = join(caseDir, 'expected-error.txt');
  const restrictorFile = join(caseDir, 'load-restrictor');
  const restrictor = existsSync(restrictorFile) ? readFileSync(restrictorFile, 'utf8').trim() : '';
  return {
    name,
    caseDir,
    buildDir: join(caseDir, relativeBuildDir),
    relativeBuildDir,
    ...(existsSync(expectedYamlFile) ? { expectedYaml: readFileSync(expectedYamlFile, 'utf8') } : {}),
    ...(existsSync(expectedErrorFile) ? { expectedError: readFileSync(expectedErrorFile, 'utf8').trim() } : {}),
    ...(restrictor === 'none' ? { loadRestrictor: 'none' as const } : {}),
  };
}
