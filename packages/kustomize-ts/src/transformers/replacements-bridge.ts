// Hands resources to the replacements and vars transformers, with earlier names in kustomize's build annotations
// (previousNames/Kinds/Namespaces) so they can select a resource by the name it was written with.
import { KustomizeError } from '../errors.ts';
import type { Loader } from '../loader.ts';
import { applyReplacements } from '../replacements.ts';
import { resolveVars } from '../vars.ts';
import { metadataOf, type Resource } from '../resource.ts';
import type { FieldSpec, KObject, Replacement, ReplacementSpec, Var } from '../types.ts';
import { parseYamlDocuments } from '../yaml/parse-documents.ts';


const PREVIOUS = {
  names: 'internal.config.kubernetes.io/previousNames',
  kinds: 'internal.config.kubernetes.io/previousKinds',
  namespaces: 'internal.config.kubernetes.io/previousNamespaces',
};

/** Runs `action` on the objects while they carry their previous ids as build annotations. */
function withPreviousIds(resources: Resource[], action: (objects: KObject[]) => void): void {
  for (const resource of resources) {
    if (resource.previousIds.length === 0) continue;
    const metadata = metadataOf(resource.object);
    metadata.annotations = {
      ...(metadata.annotations ?? {}),
      [PREVIOUS.names]: resource.previousIds.map((id) => id.name).join(','),
      [PREVIOUS.kinds]: resource.previousIds.map((id) => id.kind).join(','),
      [PREVIOUS.namespaces]: resource.previousIds.map((id) => id.namespace).join(','),
    };
  }
  try {
    action(resources.map((resource) => resource.object));
  } catch (error) {
    throw error instanceof KustomizeError ? error : new KustomizeError((error as Error).message);
  } finally {
    for (const resource of resources) {
      const annotations = resource.object.metadata?.annotations;
      if (!annotations) continue;
      for (const key of Object.values(PREVIOUS)) delete annotations[key];
      if (Object.keys(annotations).length === 0 && resource.object.metadata) delete resource.object.metadata.annotations;
    }
  }
}

export async function applyReplacementSpecs(resources: Resource[], loader: Loader, specs: ReplacementSpec[]): Promise<void> {
  const replacements: Replacement[] = [];
  for (const spec of specs) {
    if (spec.path) {
      if (spec.source || spec.targets?.length) throw new KustomizeError('cannot specify both path and inline replacement');
      const { path, text } = await loader.readFile(spec.path);
      for (const document of parseYamlDocuments(text, path)) {
        replacements.push(...((Array.isArray(document) ? document : [document]) as Replacement[]));
      }
    } else {
      replacements.push(spec);
    }
  }
  withPreviousIds(resources, (objects) => applyReplacements(objects, replacements));
}

export function resolveVarsIn(resources: Resource[], vars: Var[], varReferenceFieldSpecs: FieldSpec[]): void {
  withPreviousIds(resources, (objects) => resolveVars(objects, vars, varReferenceFieldSpecs));
}
