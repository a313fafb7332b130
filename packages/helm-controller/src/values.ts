// Composes a release's values as Flux does: each valuesFrom reference in order, then spec.values, merged deeply.
import type { HelmRelease, ValuesReference } from '@fluxion/api';
import { isNotFound, type KubeClient } from '@fluxion/runtime';
import { parse } from 'yaml';
import { setValueAtPath } from './values-path.ts';

/** A valuesFrom reference cannot be resolved; the message names the object and key, never their content. */
export class ValuesError extends Error {
  override readonly name = 'ValuesError';
  readonly reason = 'ValuesError';
}

export type Values = Record<string, unknown>;

/** Reads the data of a ConfigMap or Secret (Secret data decoded); undefined when it does not exist. */
export type DataReader = (
  kind: 'ConfigMap' | 'Secret',
  namespace: string,
  name: string,
) => Promise<Record<string, string> | undefined>;

export async function composeValues(release: HelmRelease, read: DataReader): Promise<Values> {
  const namespace = release.metadata?.namespace ?? '';
  let result: Values = {};
  for (const [index, reference] of (release.spec?.valuesFrom ?? []).entries()) {
    const data = await read(reference.kind, namespace, reference.name);
    const key = reference.valuesKey || 'values.yaml';
    const where = `${reference.kind} '${namespace}/${reference.name}' (spec.valuesFrom[${index}])`;
    if (data === undefined) {
      if (reference.optional) continue;
      throw new ValuesError(`could not find ${where}: ${reference.kind} not found`);
    }
    const text = data[key];
    if (text === undefined) {
      if (reference.optional) continue;
      throw new ValuesError(`missing key '${key}' in ${where}`);
    }
    result = reference.targetPath
      ? applyTargetPath(result, reference, text, where)
      : mergeValues(result, parseValues(text, `key '${key}' of ${where}`));
  }
  return mergeValues(result, (release.spec?.values as Values | undefined) ?? {});
}

/** The reader a controller uses: its own client, in the HelmRelease's namespace. */
export function clientDataReader(client: KubeClient): DataReader {
  return async (kind, namespace, name) => {
    try {
      const object = await client.get<{ kind?: string; data?: Record<string, string> }>({
        apiVersion: 'v1',
        kind,
        namespace,
        name,
      });
      if (kind === 'ConfigMap') return object.data ?? {};
      return Object.fromEntries(
        Object.entries(object.data ?? {}).map(([key, value]) => [key, Buffer.from(value, 'base64').toString('utf8')]),
      );
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  };
}

/** Helm's merge: maps merge key by key, anything else is replaced by the later value. */
export function mergeValues(base: Values, overlay: Values): Values {
  const result: Values = { ...base };
  for (const [key, value] of Object.entries(overlay)) {
    const existing = result[key];
    result[key] = isMap(existing) && isMap(value) ? mergeValues(existing, value) : value;
  }
  return result;
}

function parseValues(text: string, where: string): Values {
  let parsed: unknown;
  try {
    parsed = parse(text);
  } catch (error) {
    // the parser's message may quote the content: only its position is kept
    const position = (error as { linePos?: Array<{ line: number; col: number }> }).linePos?.[0];
    throw new ValuesError(
      `${where} is not valid YAML${position ? ` (line ${position.line}, column ${position.col})` : ''}`,
    );
  }
  if (parsed === null || parsed === undefined) return {};
  if (!isMap(parsed)) throw new ValuesError(`${where} must hold a YAML map of values`);
  return parsed;
}

function applyTargetPath(values: Values, reference: ValuesReference, text: string, where: string): Values {
  try {
    // as Flux: the whole content is one string value at the path
    return setValueAtPath(values, reference.targetPath ?? '', text.trim());
  } catch (error) {
    throw new ValuesError(`targetPath '${reference.targetPath}' of ${where}: ${(error as Error).message}`);
  }
}

function isMap(value: unknown): value is Values {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
