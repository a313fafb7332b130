// postBuild substitution: expand ${VAR} references in every built object with the Kustomization's variables, as Flux does.
import type { KObject } from '../types.ts';
import { parseAllDocuments, stringify } from 'yaml';
import { envsubst, EnvsubstError } from './envsubst.ts';

export const SubstituteAnnotation = 'kustomize.toolkit.fluxcd.io/substitute';
/** Flux's pattern for variable names. */
export const variableNamePattern = /^[_A-Za-z][_A-Za-z0-9]*$/;
const variableNamePatternText = '^[_[:alpha:]][_[:alpha:][:digit:]]*$';

/** Substitution failed; the message names the object and the variable. */
export class SubstitutionError extends Error {
  override readonly name = 'SubstitutionError';
  readonly reason = 'BuildFailed';
  readonly variable: string | undefined;
  constructor(message: string, variable?: string) {
    super(message);
    this.variable = variable;
  }
}

export interface SubstituteOptions {
  /** An unset variable without a default fails the build (Flux's StrictPostBuildSubstitutions). */
  strict: boolean;
}

/** `kind/namespace/name` as the messages name an object. */
export function objectSubject(object: KObject): string {
  const namespace = object.metadata?.namespace;
  return `${object.kind ?? '<no kind>'}/${namespace ? `${namespace}/` : ''}${object.metadata?.name ?? '<no name>'}`;
}

/** True when the object opts out with the substitute annotation or label set to `disabled`. */
export function isSubstitutionDisabled(object: KObject): boolean {
  return (
    object.metadata?.annotations?.[SubstituteAnnotation] === 'disabled' ||
    object.metadata?.labels?.[SubstituteAnnotation] === 'disabled'
  );
}

/** Checks the variable names and removes newlines from values, as Flux does; later maps win over earlier ones. */
export function mergeVariables(...sources: ReadonlyArray<Readonly<Record<string, string>>>): Map<string, string> {
  const variables = new Map<string, string>();
  for (const source of sources) {
    for (const [name, value] of Object.entries(source)) {
      if (!variableNamePattern.test(name))
        throw new SubstitutionError(`'${name}' var name is invalid, must match '${variableNamePatternText}'`);
      variables.set(name, value.replaceAll('\n', ''));
    }
  }
  return variables;
}

/** Returns new objects with every variable expanded; objects that opt out are returned unchanged. */
export function substituteVariables(
  objects: readonly KObject[],
  variables: ReadonlyMap<string, string>,
  options: SubstituteOptions,
): KObject[] {
  return objects.map((object) => {
    if (isSubstitutionDisabled(object)) return object;
    const text = stringify(object, { lineWidth: 0 });
    if (!text.includes('$')) return object;
    let expanded: string;
    try {
      expanded = envsubst(text, (name) => variables.get(name), { strict: options.strict });
    } catch (error) {
      if (error instanceof EnvsubstError)
        throw new SubstitutionError(
          `variable substitution failed for ${objectSubject(object)}: ${error.message}`,
          error.variable,
        );
      throw error;
    }
    const documents = parseAllDocuments(expanded);
    const first = documents[0];
    if (documents.length !== 1 || !first || first.errors.length > 0) {
      const reason = first?.errors[0]?.message.split('\n')[0] ?? 'the result is not one YAML document';
      throw new SubstitutionError(
        `variable substitution for ${objectSubject(object)} produced invalid YAML: ${reason}`,
      );
    }
    return first.toJS() as KObject;
  });
}
