// Our CRDs against Flux's documented API (the lists in flux-api/): every field path, which are required, enum values.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { CrdManifest, JsonSchema } from './crd-manifest.ts';

const fluxApiRoot = join(import.meta.dirname, '..', 'flux-api');

/** One line per field: `spec.a[].b`, then `!` when required, then ` enum=x|y` when it has allowed values. */
export function fieldLines(crd: CrdManifest): string[] {
  const schema = crd.spec.versions[0]?.schema.openAPIV3Schema;
  const lines: string[] = [];
  const walk = (node: JsonSchema, path: string, required: boolean): void => {
    lines.push(`${path}${required ? '!' : ''}${node.enum ? ` enum=${node.enum.map(String).join('|')}` : ''}`);
    for (const [name, child] of Object.entries(node.properties ?? {}))
      walk(child, `${path}.${name}`, (node.required ?? []).includes(name));
    if (node.items) walk(node.items, `${path}[]`, false);
  };
  for (const top of ['spec', 'status'] as const) {
    const node = schema?.properties?.[top];
    if (node) walk(node, top, (schema?.required ?? []).includes(top));
  }
  return lines;
}

/** The full field list of one Flux kind, with the CRD annotations Flux sets. */
export interface FluxFieldList {
  crd: string;
  annotations?: Record<string, string>;
  fields: string[];
}

/** Facts of a Flux kind checked one by one where the full list is kept elsewhere (the source kinds). */
export interface FluxFacts {
  crd: string;
  /** Lines that must be in our list. */
  present?: string[];
  /** Field paths Flux does not have. */
  absent?: string[];
  /** Differences known and tracked: reported, not failed. */
  pending?: string[];
}

export function loadFluxFieldLists(root: string = fluxApiRoot): FluxFieldList[] {
  return readdirSync(root)
    .filter((file) => file.endsWith('.yaml') && file !== 'source-kinds.yaml')
    .sort()
    .map((file) => parse(readFileSync(join(root, file), 'utf8')) as FluxFieldList);
}

export function loadFluxFacts(root: string = fluxApiRoot): FluxFacts[] {
  return (parse(readFileSync(join(root, 'source-kinds.yaml'), 'utf8')) as { kinds: FluxFacts[] }).kinds;
}

/** Every difference between our CRD and Flux's list, as sentences naming the field; empty when equal. */
export function compareWithFlux(crd: CrdManifest, flux: FluxFieldList): string[] {
  const ours = new Set(fieldLines(crd));
  const theirs = new Set(flux.fields);
  const byPath = (lines: Set<string>) => new Map([...lines].map((line) => [line.split(/[! ]/)[0] ?? line, line]));
  const ourPaths = byPath(ours);
  const fluxPaths = byPath(theirs);
  const differences: string[] = [];
  for (const [path, line] of fluxPaths) {
    const ourLine = ourPaths.get(path);
    if (!ourLine) differences.push(`${flux.crd}: Flux has ${line}, we do not`);
    else if (ourLine !== line) differences.push(`${flux.crd}: Flux has ${line}, we have ${ourLine}`);
  }
  for (const [path, line] of ourPaths) {
    if (!fluxPaths.has(path)) differences.push(`${flux.crd}: we have ${line}, which Flux does not`);
  }
  for (const [key, value] of Object.entries(flux.annotations ?? {})) {
    if (crd.metadata.annotations?.[key] !== value)
      differences.push(`${flux.crd}: Flux's CRD is annotated ${key}: ${value}, ours is not`);
  }
  return differences;
}

export function checkFluxFacts(crd: CrdManifest, facts: FluxFacts): string[] {
  const lines = fieldLines(crd);
  const paths = new Set(lines.map((line) => line.split(/[! ]/)[0]));
  return [
    ...(facts.present ?? [])
      .filter((line) => !lines.includes(line))
      .map((line) => `${facts.crd}: Flux has ${line}, we do not (or not so)`),
    ...(facts.absent ?? [])
      .filter((path) => paths.has(path))
      .map((path) => `${facts.crd}: we have ${path}, which no Flux release has`),
  ];
}
