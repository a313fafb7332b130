// Generates the typed models in src/generated/ from the CRD files, so the CRDs stay the one source of truth.
// Usage: node packages/api/scripts/generate-models.ts [output-dir]
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { crdPaths, loadCrdFile } from '../src/crd-files.ts';
import type { CrdManifest, JsonSchema } from '../src/crd-manifest.ts';
import {
  literal,
  renderComment,
  renderDeclaration,
  renderObjectBody,
  validationDoc,
  type UsedNames,
} from './schema-to-typescript.ts';

export const generatedDir = join(import.meta.dirname, '..', 'src', 'generated');
const sharedModule = 'shared';
const clientNodeTypes = new Set(['V1ObjectMeta', 'V1ListMeta']);

interface TitledNode {
  title: string;
  node: JsonSchema;
  kind: string;
  location: string;
}

interface KindSchema {
  crd: CrdManifest;
  crdFile: string;
  apiVersion: string;
  root: JsonSchema;
}

export class ModelGenerationError extends Error {
  override name = 'ModelGenerationError';
}

/** Every generated file, by file name, with its content. */
export function generateModels(crdsRoot?: string): Map<string, string> {
  const kinds = crdPaths(crdsRoot).map((path) => readKindSchema(path));
  const titled = kinds.flatMap((kind) => collectTitled(kind.root, kind.crd.spec.names.kind, `${kind.crdFile}:`));
  const titles = checkTitlesAgree(titled);
  const kindsUsing = new Map<string, Set<string>>();
  for (const entry of titled) kindsUsing.set(entry.title, (kindsUsing.get(entry.title) ?? new Set()).add(entry.kind));
  const isShared = (title: string): boolean => (kindsUsing.get(title)?.size ?? 0) > 1;

  const files = new Map<string, string>();
  const exportsByModule = new Map<string, string[]>();
  const sharedTitles = [...titles.keys()].filter(isShared);
  if (sharedTitles.length > 0) {
    const used: UsedNames = new Set();
    const body = sharedTitles.map((title) => renderTitled(title, titles, titled, used)).join('\n');
    files.set(`${sharedModule}.ts`, fileText('the CRDs of more than one kind', used, new Set(), body));
    exportsByModule.set(sharedModule, sharedTitles);
  }
  for (const kind of kinds) {
    const kindName = kind.crd.spec.names.kind;
    const own = [...titles.keys()].filter(
      (title) => !isShared(title) && title !== kindName && kindsUsing.get(title)?.has(kindName),
    );
    const used: UsedNames = new Set();
    const body = [
      renderRoot(kind, used),
      renderList(kind, used),
      ...own.map((title) => renderTitled(title, titles, titled, used)),
    ].join('\n');
    const module = kebabCase(kindName);
    files.set(`${module}.ts`, fileText(kind.crdFile, used, new Set(sharedTitles), body));
    exportsByModule.set(module, [kindName, kind.crd.spec.names.listKind, ...own]);
  }
  files.set('index.ts', indexText(exportsByModule));
  return files;
}

/** Writes the generated files into `outputDir`, removing generated files that no CRD produces any more. */
export function writeModels(outputDir: string = generatedDir, crdsRoot?: string): string[] {
  const files = generateModels(crdsRoot);
  mkdirSync(outputDir, { recursive: true });
  for (const stale of readdirSync(outputDir).filter((file) => file.endsWith('.ts') && !files.has(file))) {
    rmSync(join(outputDir, stale));
  }
  for (const [file, content] of files) writeFileSync(join(outputDir, file), content);
  return [...files.keys()];
}

function readKindSchema(path: string): KindSchema {
  const crd = loadCrdFile(path);
  const crdFile = `crds/${basename(dirname(path))}/${basename(path)}`;
  const storage = crd.spec.versions.filter((version) => version.storage);
  const version = storage[0];
  if (storage.length !== 1 || version === undefined) {
    throw new ModelGenerationError(`${crdFile}: expected exactly one storage version, found ${storage.length}`);
  }
  const root = version.schema.openAPIV3Schema;
  if (root.title !== crd.spec.names.kind) {
    throw new ModelGenerationError(
      `${crdFile}: the root schema of ${version.name} must have title: ${crd.spec.names.kind}`,
    );
  }
  return { crd, crdFile, apiVersion: `${crd.spec.group}/${version.name}`, root };
}

function collectTitled(node: JsonSchema, kind: string, location: string): TitledNode[] {
  const found: TitledNode[] = node.title === undefined ? [] : [{ title: node.title, node, kind, location }];
  for (const [key, child] of Object.entries(node.properties ?? {}))
    found.push(...collectTitled(child, kind, `${location}.${key}`));
  if (node.items !== undefined) found.push(...collectTitled(node.items, kind, `${location}[]`));
  if (typeof node.additionalProperties === 'object')
    found.push(...collectTitled(node.additionalProperties, kind, `${location}{}`));
  return found;
}

/** One schema per title, in order of first use; two different shapes under one title is an error. */
function checkTitlesAgree(titled: TitledNode[]): Map<string, JsonSchema> {
  const first = new Map<string, TitledNode>();
  for (const entry of titled) {
    const earlier = first.get(entry.title);
    if (earlier === undefined) {
      first.set(entry.title, entry);
    } else if (shapeOf(earlier.node) !== shapeOf(entry.node)) {
      throw new ModelGenerationError(
        `title ${entry.title} names two different schemas, at ${earlier.location} and ${entry.location}: make them equal or rename one`,
      );
    }
  }
  return new Map([...first].map(([title, entry]) => [title, entry.node]));
}

/** A node's schema without its own description, which may differ by where it is used. */
function shapeOf(node: JsonSchema): string {
  const { description: _usageDescription, ...shape } = node;
  return stableJson(shape);
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, child]) => `${JSON.stringify(key)}:${stableJson(child)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function renderTitled(title: string, titles: Map<string, JsonSchema>, titled: TitledNode[], used: UsedNames): string {
  const node = titles.get(title);
  if (node === undefined) throw new ModelGenerationError(`no schema titled ${title}`);
  const descriptions = new Set(titled.filter((entry) => entry.title === title).map((entry) => entry.node.description));
  const [description] = descriptions;
  const doc = descriptions.size === 1 && description !== undefined ? description.split('\n') : [];
  return renderDeclaration(title, node, [...doc, ...validationDoc(node)], used);
}

function renderRoot(kind: KindSchema, used: UsedNames): string {
  const { apiVersion: _apiVersion, kind: _kind, metadata: _metadata, ...fields } = kind.root.properties ?? {};
  used.add('V1ObjectMeta');
  const members = [
    `apiVersion: ${literal(kind.apiVersion)};`,
    `kind: ${literal(kind.crd.spec.names.kind)};`,
    'metadata?: V1ObjectMeta;',
  ];
  const body = renderObjectBody({ ...kind.root, properties: fields }, used, '', members);
  const doc = [...(kind.root.description?.split('\n') ?? []), ...validationDoc(kind.root)];
  return `${renderComment(doc, '')}export interface ${kind.crd.spec.names.kind} ${body}\n`;
}

function renderList(kind: KindSchema, used: UsedNames): string {
  const { kind: kindName, listKind } = kind.crd.spec.names;
  used.add('V1ListMeta');
  return [
    `/** A page of ${kindName} objects, as the API server lists them. */`,
    `export interface ${listKind} {`,
    `  apiVersion: ${literal(kind.apiVersion)};`,
    `  kind: ${literal(listKind)};`,
    '  metadata?: V1ListMeta;',
    `  items: ${kindName}[];`,
    '}',
    '',
  ].join('\n');
}

function fileText(source: string, used: UsedNames, sharedTitles: Set<string>, body: string): string {
  const header = [
    `// Generated from ${source} by packages/api/scripts/generate-models.ts. Do not edit:`,
    '// change the CRD, then run `node packages/api/scripts/generate-models.ts`.',
  ];
  const fromClientNode = [...used].filter((name) => clientNodeTypes.has(name)).sort();
  const fromShared = [...used].filter((name) => sharedTitles.has(name)).sort();
  const imports = [
    ...(fromClientNode.length > 0
      ? [`import type { ${fromClientNode.join(', ')} } from '@kubernetes/client-node';`]
      : []),
    ...(fromShared.length > 0 ? [`import type { ${fromShared.join(', ')} } from './${sharedModule}.ts';`] : []),
  ];
  return `${[...header, ...imports].join('\n')}\n\n${body}`;
}

function indexText(exportsByModule: Map<string, string[]>): string {
  const lines = ['// Generated by packages/api/scripts/generate-models.ts. Do not edit.'];
  for (const [module, names] of exportsByModule)
    lines.push(`export type { ${names.join(', ')} } from './${module}.ts';`);
  return `${lines.join('\n')}\n`;
}

/** GitRepository -> git-repository, OCIRepository -> oci-repository. */
export function kebabCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2')
    .toLowerCase();
}

if (import.meta.main) {
  const outputDir = process.argv[2] ?? generatedDir;
  const written = writeModels(outputDir);
  console.log(`wrote ${written.length} files to ${outputDir}: ${written.join(', ')}`);
}
