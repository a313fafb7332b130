// Helpers that treat parsed YAML values the way kyaml treats its nodes (null vs missing, scalar text, matching).

export type YamlMap = Record<string, unknown>;

export type NodeKind = 'MappingNode' | 'SequenceNode' | 'ScalarNode';

export function isMap(value: unknown): value is YamlMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** kyaml's IsMissingOrNull: absent, or an explicit YAML null. */
export function isMissingOrNull(value: unknown): value is null | undefined {
  return value === undefined || value === null;
}

export function isEmptyMap(value: unknown): boolean {
  return isMap(value) && Object.keys(value).length === 0;
}

/** kyaml's IsNilOrEmpty: absent, null, `{}` or `[]`. */
export function isNilOrEmpty(value: unknown): boolean {
  return isMissingOrNull(value) || isEmptyMap(value) || (Array.isArray(value) && value.length === 0);
}

export function nodeKind(value: unknown): NodeKind {
  if (Array.isArray(value)) return 'SequenceNode';
  if (isMap(value)) return 'MappingNode';
  return 'ScalarNode';
}

/** The text of a scalar as YAML holds it (`80`, `true`, `nginx`); '' for maps, lists and null. */
export function scalarText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return '';
}

/** A plain (untagged) scalar built from text, typed as YAML (yaml.v3) reads it back. */
export function plainScalar(text: string): unknown {
  if (/^[-+]?(0|[1-9][0-9]*)$/.test(text)) return Number(text);
  if (/^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/.test(text)) return Number(text);
  if (/^(true|True|TRUE)$/.test(text)) return true;
  if (/^(false|False|FALSE)$/.test(text)) return false;
  if (/^(null|Null|NULL|~)$/.test(text)) return null;
  return text;
}

/** A copy of plain YAML/JSON data (maps, lists, scalars); several times faster than structuredClone on it. */
export function deepCopy<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(deepCopy) as T;
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) copy[key] = deepCopy((value as Record<string, unknown>)[key]);
  return copy as T;
}

/** A short YAML-ish rendering of a value for error messages. */
export function describeValue(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
