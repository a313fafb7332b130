// Hands resources to the replacements and vars transformers with kustomize's build annotations on them, so they
// can select a resource by the name it was written with (previousNames/Kinds/Namespaces).
import { KustomizeError } from '../errors.ts';
import type { Loader } from '../loader.ts';
import { applyReplacements } from '../replacements.ts';
import { objectsMatchingVar, resolveVars } from '../vars.ts';
import { readBuildAnnotations, writeBuildAnnotations } from '../build-annotations.ts';
import type { Resource } from '../resource.ts';
import type { FieldSpec, KObject, Replacement, ReplacementSpec, Var } from '../types.ts';
import { parseYamlDocuments } from '../yaml/parse-documents.ts';

/** Runs `action` on the objects while they carry kustomize's build annotations (their earlier ids among them). */
function withBuildAnnotations(resources: Resource[], action: (objects: KObject[]) => void): void {
  for (const resource of resources) writeBuildAnnotations(resource);
  try {
    action(resources.map((resource) => resource.object));
  } catch (error) {
    throw error instanceof KustomizeError ? error : new KustomizeError((error as Error).message);
  } finally {
    for (const resource of resources) readBuildAnnotations(resource);
  }
}

export async function applyReplacementSpecs(
  resources: Resource[],
  loader: Loader,
  specs: ReplacementSpec[],
): Promise<void> {
  const replacements: Replacement[] = [];
  for (const spec of specs) {
    if (spec.path) {
      if (spec.source || spec.targets?.length)
        throw new KustomizeError('cannot specify both path and inline replacement');
      const { path, text } = await loader.readFile(spec.path);
      for (const document of parseYamlDocuments(text, path)) {
        replacements.push(...((Array.isArray(document) ? document : [document]) as Replacement[]));
      }
    } else {
      replacements.push(spec);
    }
  }
  withBuildAnnotations(resources, (objects) => applyReplacements(objects, replacements));
}

/** A kustomization's `vars`, as kustomize merges them: each names the one resource of this build it reads. */
export function markVarHolders(resources: Resource[], vars: Var[]): void {
  if (vars.length === 0) return;
  withBuildAnnotations(resources, (objects) => {
    for (const variable of vars) {
      const [holder] = objectsMatchingVar(objects, variable);
      if (holder) resources[objects.indexOf(holder)]?.refVarNames.push(variable.name);
    }
  });
}

export function resolveVarsIn(resources: Resource[], vars: Var[], varReferenceFieldSpecs: FieldSpec[]): void {
  const holderOf = (variable: Var): KObject | undefined =>
    resources.find((resource) => resource.refVarNames.includes(variable.name))?.object;
  withBuildAnnotations(resources, (objects) => resolveVars(objects, vars, varReferenceFieldSpecs, undefined, holderOf));
}
