// The Setters strategy on one YAML file: each scalar followed by a `# {"$imagepolicy": ...}` comment is rewritten
// to the policy's latest image, in place; every other byte of the file (comments, order, quoting, blank lines) stays.
import type { ImageRef } from '@fluxion/api';
import { isDocument, LineCounter, parseAllDocuments, type Scalar, visit } from 'yaml';
import { markerValue, parseMarker, type SetterMarker } from './setter-marker.ts';

/** The object a change was made in (Flux's ObjectIdentifier); empty strings where a document has no such field. */
export interface ObjectIdentifier {
  Name: string;
  Namespace: string;
  APIVersion: string;
  Kind: string;
}

export interface SetterChange {
  /** The scalar's value before and after, unquoted. */
  OldValue: string;
  NewValue: string;
  /** The marker as written, e.g. `apps:web:tag`. */
  Setter: string;
}

export interface FileChange {
  object: ObjectIdentifier;
  change: SetterChange;
  line: number;
}

/** A marker that could not be applied: named with its line; the rest of the file is still updated. */
export interface SetterWarning {
  line: number;
  message: string;
}

export type FileSetterResult =
  | { ok: true; text: string; changes: FileChange[]; warnings: SetterWarning[] }
  | { ok: false; line: number; message: string };

/**
 * The latest image of each policy the automation may use, keyed `<namespace>:<name>`; a policy present with
 * `undefined` exists but has not chosen an image yet.
 */
export type PolicyImages = ReadonlyMap<string, ImageRef | undefined>;

export function applySettersToYaml(text: string, policies: PolicyImages): FileSetterResult {
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, { lineCounter, keepSourceTokens: true, uniqueKeys: false });
  const documentList = isDocument(documents) ? [documents] : [...documents];
  for (const document of documentList) {
    const error = document.errors[0];
    if (error) return { ok: false, line: error.linePos?.[0].line ?? 1, message: error.message.split('\n')[0]! };
  }
  const edits: Array<{ start: number; end: number; replacement: string }> = [];
  const changes: FileChange[] = [];
  const warnings: SetterWarning[] = [];
  for (const document of documentList) {
    const object = identify(contentsOf(document));
    visit(document, {
      Scalar(key, node) {
        if (key === 'key' || !node.range) return;
        const [start, end] = node.range;
        const marker = markerAfter(text, end);
        if (marker === undefined) return;
        const line = lineCounter.linePos(start).line;
        if (typeof marker === 'string') {
          warnings.push({ line, message: marker });
          return;
        }
        if (!isRewritable(node) || text.slice(start, end).includes('\n')) {
          warnings.push({ line, message: `the value marked with "${marker.setter}" is not a single-line scalar` });
          return;
        }
        const newValue = valueFor(marker, policies, line, warnings);
        if (newValue === undefined) return;
        const oldValue = node.type === 'PLAIN' ? text.slice(start, end) : String(node.value);
        if (oldValue === newValue) return;
        edits.push({ start, end, replacement: render(newValue, node.type) });
        changes.push({ object, line, change: { OldValue: oldValue, NewValue: newValue, Setter: marker.setter } });
      },
    });
  }
  let updated = text;
  for (const edit of edits.sort((a, b) => b.start - a.start)) {
    updated = updated.slice(0, edit.start) + edit.replacement + updated.slice(edit.end);
  }
  return { ok: true, text: updated, changes, warnings };
}

// The marker in a comment that follows the scalar on its line (`value # {...}`), if any.
function markerAfter(text: string, end: number): SetterMarker | string | undefined {
  const lineEnd = text.indexOf('\n', end);
  const rest = text.slice(end, lineEnd < 0 ? text.length : lineEnd);
  const comment = /^[ \t]+#(.*?)\r?$/.exec(rest);
  return comment ? parseMarker(comment[1]!) : undefined;
}

function valueFor(
  marker: SetterMarker,
  policies: PolicyImages,
  line: number,
  warnings: SetterWarning[],
): string | undefined {
  const key = `${marker.namespace}:${marker.policy}`;
  if (!policies.has(key)) {
    warnings.push({
      line,
      message: `marker "${marker.setter}" names ImagePolicy ${marker.namespace}/${marker.policy}, which does not exist or is not selected by spec.policySelector`,
    });
    return undefined;
  }
  const latest = policies.get(key);
  if (!latest) {
    warnings.push({
      line,
      message: `ImagePolicy ${marker.namespace}/${marker.policy} (marker "${marker.setter}") has not chosen an image yet`,
    });
    return undefined;
  }
  const value = markerValue(marker, latest);
  if (value === undefined) {
    warnings.push({
      line,
      message: `ImagePolicy ${marker.namespace}/${marker.policy} has no digest for marker "${marker.setter}" (set its spec.digestReflectionPolicy)`,
    });
  }
  return value;
}

function isRewritable(node: Scalar): boolean {
  return node.type === 'PLAIN' || node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE';
}

// A plain scalar stays plain when the new value can be written plain in block and flow context alike.
const plainSafe = /^[A-Za-z0-9_./][^\s#,[\]{}]*$/;

function render(value: string, style: Scalar['type']): string {
  if (style === 'QUOTE_SINGLE') return `'${value.replace(/'/g, "''")}'`;
  if (style === 'PLAIN' && plainSafe.test(value) && !/:(\s|$)/.test(value)) return value;
  return JSON.stringify(value);
}

function contentsOf(document: { toJS(options?: { maxAliasCount?: number }): unknown }): unknown {
  try {
    return document.toJS({ maxAliasCount: 1000 });
  } catch {
    return undefined; // e.g. an alias bomb: the object stays unnamed, its markers still apply
  }
}

function identify(document: unknown): ObjectIdentifier {
  const object = isRecord(document) ? document : {};
  const metadata = isRecord(object.metadata) ? object.metadata : {};
  return {
    Name: stringOr(metadata.name),
    Namespace: stringOr(metadata.namespace),
    APIVersion: stringOr(object.apiVersion),
    Kind: stringOr(object.kind),
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringOr(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
