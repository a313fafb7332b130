// Loads `replacements` entries (inline or from files) and hands them to the replacements transformer.
import { KustomizeError } from '../errors.ts';
import type { Loader } from '../loader.ts';
import type { Resource } from '../resource.ts';
import type { KObject, Replacement, ReplacementSpec, Var } from '../types.ts';
import { parseYamlDocuments } from '../yaml/parse-documents.ts';

type ApplyReplacements = (resources: KObject[], replacements: Replacement[]) => void;
type ResolveVars = (resources: KObject[], vars: Var[]) => void;

// Imported by name at run time: the modules are written in parallel and may not be present in every checkout.
const REPLACEMENTS_MODULE = '../replacements.ts';
const VARS_MODULE = '../vars.ts';

async function loadFunction<T>(modulePath: string, name: string, feature: string): Promise<T> {
  try {
    const module = (await import(modulePath)) as Record<string, unknown>;
    const fn = module[name];
    if (typeof fn === 'function') return fn as T;
  } catch {
    // fall through to the error below
  }
  throw new KustomizeError(`not supported: ${feature}`);
}

export async function applyReplacementSpecs(resources: Resource[], loader: Loader, specs: ReplacementSpec[]): Promise<void> {
  const replacements: Replacement[] = [];
  for (const spec of specs) {
    if (spec.path) {
      const { path, text } = await loader.readFile(spec.path);
      for (const document of parseYamlDocuments(text, path)) {
        replacements.push(...((Array.isArray(document) ? document : [document]) as Replacement[]));
      }
    } else {
      replacements.push(spec);
    }
  }
  const apply = await loadFunction<ApplyReplacements>(REPLACEMENTS_MODULE, 'applyReplacements', 'replacements');
  const objects = resources.map((resource) => resource.object);
  apply(objects, replacements);
}

export async function resolveVarsIn(resources: Resource[], vars: Var[]): Promise<void> {
  const resolve = await loadFunction<ResolveVars>(VARS_MODULE, 'resolveVars', 'vars');
  resolve(
    resources.map((resource) => resource.object),
    vars,
  );
}
