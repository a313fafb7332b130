// Reading kubeconfig documents: parse, merge several files as kubectl does, and typed field access that names the field on error.
import { dirname, isAbsolute, resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { KubeConfigError } from './kube-config-error.ts';

/** One kubeconfig's text and where it came from; `dir` resolves relative paths in it (none for a Secret's kubeconfig). */
export interface KubeconfigDocument {
  origin: string;
  dir?: string | undefined;
  text: string;
}

/** A named cluster, user or context, with the document that defined it. */
export class KubeconfigEntry {
  readonly name: string;
  readonly fields: Readonly<Record<string, unknown>>;
  readonly origin: string;
  readonly dir: string | undefined;
  /** e.g. `users[name="admin"].user`. */
  readonly path: string;

  constructor(init: {
    name: string;
    fields: Record<string, unknown>;
    origin: string;
    dir: string | undefined;
    path: string;
  }) {
    this.name = init.name;
    this.fields = init.fields;
    this.origin = init.origin;
    this.dir = init.dir;
    this.path = init.path;
  }

  /** `<file>: <path>.<field>`, the prefix of every message about this entry. */
  where(field?: string): string {
    return `${this.origin}: ${this.path}${field ? `.${field}` : ''}`;
  }

  error(field: string, problem: string): KubeConfigError {
    return new KubeConfigError(`${this.where(field)}: ${problem}`);
  }

  has(field: string): boolean {
    return this.fields[field] !== undefined && this.fields[field] !== null && this.fields[field] !== '';
  }

  string(field: string): string | undefined {
    const value = this.fields[field];
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value !== 'string') throw this.error(field, `must be a string, got ${JSON.stringify(value)}`);
    return value;
  }

  boolean(field: string): boolean {
    const value = this.fields[field];
    if (value === undefined || value === null) return false;
    if (typeof value !== 'boolean') throw this.error(field, `must be true or false, got ${JSON.stringify(value)}`);
    return value;
  }

  /** A path in the file, relative to the file's directory as kubectl resolves it. */
  filePath(field: string): string | undefined {
    const path = this.string(field);
    return path === undefined ? undefined : this.resolvePath(path);
  }

  resolvePath(path: string): string {
    return isAbsolute(path) || this.dir === undefined ? path : resolve(this.dir, path);
  }

  /** PEM from `<field>-data` (base64) or else the file at `<field>`; the data wins, as in kubectl. */
  pem(field: string): string | undefined {
    const data = this.string(`${field}-data`);
    if (data !== undefined) {
      const text = Buffer.from(data, 'base64').toString('utf8');
      if (!text.includes('-----BEGIN')) throw this.error(`${field}-data`, 'is not base64-encoded PEM');
      return text;
    }
    const path = this.filePath(field);
    if (path === undefined) return undefined;
    try {
      return readFileSync(path, 'utf8');
    } catch (error) {
      throw this.error(field, `cannot read ${path}: ${(error as Error).message}`);
    }
  }
}

/** Clusters, users and contexts by name across all documents; the first definition of a name wins, as kubectl merges KUBECONFIG. */
export interface MergedKubeconfig {
  origins: string[];
  currentContext: string | undefined;
  clusters: Map<string, KubeconfigEntry>;
  users: Map<string, KubeconfigEntry>;
  contexts: Map<string, KubeconfigEntry>;
}

export function mergeKubeconfigs(documents: readonly KubeconfigDocument[]): MergedKubeconfig {
  const merged: MergedKubeconfig = {
    origins: [],
    currentContext: undefined,
    clusters: new Map(),
    users: new Map(),
    contexts: new Map(),
  };
  for (const document of documents) {
    merged.origins.push(document.origin);
    const root = parseDocument(document);
    const currentContext = root['current-context'];
    if (merged.currentContext === undefined && typeof currentContext === 'string' && currentContext !== '')
      merged.currentContext = currentContext;
    addEntries(merged.clusters, root, 'clusters', 'cluster', document);
    addEntries(merged.users, root, 'users', 'user', document);
    addEntries(merged.contexts, root, 'contexts', 'context', document);
  }
  return merged;
}

/** The documents for a KUBECONFIG-style list of paths; files that do not exist are skipped, as kubectl does, unless none exists. */
export function readKubeconfigFiles(paths: readonly string[], describe: string): KubeconfigDocument[] {
  const documents: KubeconfigDocument[] = [];
  const missing: string[] = [];
  for (const path of paths.filter((item) => item !== '')) {
    try {
      documents.push({ origin: path, dir: dirname(resolve(path)), text: readFileSync(path, 'utf8') });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
        throw new KubeConfigError(`${path}: cannot read kubeconfig: ${(error as Error).message}`);
      missing.push(path);
    }
  }
  if (documents.length === 0)
    throw new KubeConfigError(`${describe}: no kubeconfig file found at ${missing.join(', ') || '(no path given)'}`);
  return documents;
}

function parseDocument(document: KubeconfigDocument): Record<string, unknown> {
  let root: unknown;
  try {
    root = parse(document.text);
  } catch (error) {
    throw new KubeConfigError(`${document.origin}: not a valid kubeconfig: ${(error as Error).message}`);
  }
  if (root === null || root === undefined) return {};
  if (typeof root !== 'object' || Array.isArray(root))
    throw new KubeConfigError(`${document.origin}: not a valid kubeconfig: expected a YAML mapping`);
  return root as Record<string, unknown>;
}

function addEntries(
  into: Map<string, KubeconfigEntry>,
  root: Record<string, unknown>,
  listKey: string,
  itemKey: string,
  document: KubeconfigDocument,
): void {
  const list = root[listKey];
  if (list === undefined || list === null) return;
  if (!Array.isArray(list)) throw new KubeConfigError(`${document.origin}: ${listKey}: must be a list`);
  list.forEach((item: unknown, index) => {
    const named = (item ?? {}) as { name?: unknown } & Record<string, unknown>;
    if (typeof named.name !== 'string' || named.name === '')
      throw new KubeConfigError(`${document.origin}: ${listKey}[${index}].name: every entry needs a name`);
    const fields = named[itemKey] ?? {};
    if (typeof fields !== 'object' || Array.isArray(fields))
      throw new KubeConfigError(`${document.origin}: ${listKey}[name="${named.name}"].${itemKey}: must be a mapping`);
    if (into.has(named.name)) return;
    into.set(
      named.name,
      new KubeconfigEntry({
        name: named.name,
        fields: fields as Record<string, unknown>,
        origin: document.origin,
        dir: document.dir,
        path: `${listKey}[name="${named.name}"].${itemKey}`,
      }),
    );
  });
}
