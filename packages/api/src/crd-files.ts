// Where the CRD files live and how to read them; the same files the Helm chart ships.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { CrdManifest } from './crd-manifest.ts';

const crdsRoot = join(import.meta.dirname, '..', 'crds');

/** Absolute paths of every CRD file, `crds/<group>/<kind-plural>.yaml`, sorted. */
export function crdPaths(root: string = crdsRoot): string[] {
  const groups = readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  return groups.flatMap((group) =>
    readdirSync(join(root, group))
      .filter((file) => file.endsWith('.yaml'))
      .sort()
      .map((file) => join(root, group, file)),
  );
}

/** Every CRD, parsed, in the order of `crdPaths()`. */
export function loadCrds(root: string = crdsRoot): CrdManifest[] {
  return crdPaths(root).map((path) => loadCrdFile(path));
}

export function loadCrdFile(path: string): CrdManifest {
  const parsed: unknown = parse(readFileSync(path, 'utf8'));
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`${path}: expected one CustomResourceDefinition object`);
  }
  return parsed as CrdManifest;
}
