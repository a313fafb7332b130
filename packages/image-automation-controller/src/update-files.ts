// Runs the Setters strategy over every YAML file under `spec.update.path` of a checkout and writes back the files
// that changed; files that do not parse are named and left as they are.
import { lstat, readdir, readFile, realpath, writeFile } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { applySettersToYaml, type ObjectIdentifier, type PolicyImages, type SetterChange } from './setters.ts';

/** Flux's `update.Result`, as the commit message template sees it (`.Changed`): maps are JS Maps, as in Go. */
export interface UpdateResult {
  /** Per file (relative to `update.path`), per object: the changes made. */
  FileChanges: Map<string, Map<ObjectIdentifier, SetterChange[]>>;
  /** Every change, in file and line order. */
  Changes: SetterChange[];
  /** Changes per object, whichever file the object is in. */
  Objects: Map<ObjectIdentifier, SetterChange[]>;
}

export interface UpdateProblem {
  /** Path relative to the repository root. */
  file: string;
  line: number;
  message: string;
  /** True when the file was not parsed and was left untouched. */
  malformed: boolean;
}

export interface UpdateOutcome {
  result: UpdateResult;
  /** Files written, relative to the repository root. */
  changedFiles: string[];
  problems: UpdateProblem[];
}

export class UpdatePathError extends Error {
  readonly reason = 'InvalidUpdatePath';
  constructor(message: string) {
    super(message);
    this.name = 'UpdatePathError';
  }
}

// Only files that mention the marker key are parsed: YAML-looking templates (Helm's, say) elsewhere are no concern.
const markerKey = '$imagepolicy';

export async function updateWithSetters(
  repositoryRoot: string,
  updatePath: string | undefined,
  policies: PolicyImages,
): Promise<UpdateOutcome> {
  const root = await realpath(repositoryRoot);
  const inside = (path: string) => path === root || path.startsWith(root + sep);
  if (!inside(resolve(root, updatePath ?? '.')))
    throw new UpdatePathError(`spec.update.path '${updatePath}' points outside the repository`);
  // Symbolic links in the repository resolved too: a link to / must not let a commit write outside the checkout.
  const base = await realpath(resolve(root, updatePath ?? '.')).catch(() => undefined);
  if (base !== undefined && !inside(base))
    throw new UpdatePathError(`spec.update.path '${updatePath}' leads outside the repository through a symbolic link`);
  const baseStat = base === undefined ? undefined : await lstat(base);
  if (!base || !baseStat?.isDirectory())
    throw new UpdatePathError(`spec.update.path '${updatePath}' is not a directory in the repository`);

  const outcome: UpdateOutcome = {
    result: { FileChanges: new Map(), Changes: [], Objects: new Map() },
    changedFiles: [],
    problems: [],
  };
  // One key object per identity, so that maps keyed by objects group equal objects together.
  const identities = new Map<string, ObjectIdentifier>();
  for (const file of await yamlFiles(base)) {
    const text = await readFile(file, 'utf8');
    if (!text.includes(markerKey)) continue;
    const shown = relative(root, file);
    const applied = applySettersToYaml(text, policies);
    if (!applied.ok) {
      outcome.problems.push({ file: shown, line: applied.line, message: applied.message, malformed: true });
      continue;
    }
    for (const warning of applied.warnings) outcome.problems.push({ file: shown, ...warning, malformed: false });
    if (applied.changes.length === 0) continue;
    await writeFile(file, applied.text);
    outcome.changedFiles.push(shown);
    const perObject = new Map<ObjectIdentifier, SetterChange[]>();
    for (const { object, change } of applied.changes) {
      const id = JSON.stringify(object);
      const key = identities.get(id) ?? identities.set(id, object).get(id)!;
      perObject.set(key, [...(perObject.get(key) ?? []), change]);
      outcome.result.Objects.set(key, [...(outcome.result.Objects.get(key) ?? []), change]);
      outcome.result.Changes.push(change);
    }
    outcome.result.FileChanges.set(relative(base, file), perObject);
  }
  return outcome;
}

// Every .yaml/.yml file under `directory`, sorted; `.git` and symbolic links are not followed.
async function yamlFiles(directory: string): Promise<string[]> {
  const found: string[] = [];
  const entries = await readdir(directory, { withFileTypes: true });
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const path = join(directory, entry.name);
    if (entry.isDirectory() && entry.name !== '.git') found.push(...(await yamlFiles(path)));
    else if (entry.isFile() && /\.ya?ml$/.test(entry.name)) found.push(path);
  }
  return found;
}
