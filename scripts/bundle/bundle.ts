// The bundle step for shipping (images, the CLI's npm package): each program in entries.ts becomes one ESM file,
// packages/<pkg>/dist/<name>.mjs, with every dependency inside it. The repository keeps running the sources (bin/*,
// tests); only what ships is bundled. Usage: node scripts/bundle/bundle.ts [pkg ...]   (default: every entry)
// Prints one line per bundle: its path and size.
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { build } from 'esbuild';
import { bundleEntries, separateLibraries, type BundleEntry } from './entries.ts';

const repoRoot = resolve(import.meta.dirname, '..', '..');

// Bundled CommonJS dependencies (pino, prom-client, ...) call require() for Node's built-in modules; an ES module has
// no require, so the bundle makes one. __filename/__dirname are left alone: a dependency needing them would find the
// bundle's own location, which is rarely what it wants (the bundle test starts every bundle to catch that).
const banner = [
  '#!/usr/bin/env node',
  "import { createRequire as __fluxionCreateRequire } from 'node:module';",
  'const require = __fluxionCreateRequire(import.meta.url);',
].join('\n');

/** The entry's source without the repository's two-line launcher (a shell line that finds Node 24 in the checkout). */
function entrySource(file: string): string {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line, index) => !(index < 2 && (line.startsWith('#!') || line.startsWith("':' //;"))))
    .join('\n');
}

export function bundlePath(entry: BundleEntry): string {
  return join(repoRoot, 'packages', entry.pkg, 'dist', `${entry.name}.mjs`);
}

/** The separate libraries a bundle imports (they resolve from node_modules beside the bundle's folder). */
export function separateLibrariesOf(bundleText: string): string[] {
  return Object.keys(separateLibraries).filter((name) =>
    new RegExp(`from ?["']${name}["']|import\\(["']${name}["']\\)`).test(bundleText),
  );
}

export async function bundle(entry: BundleEntry): Promise<string> {
  const from = join(repoRoot, 'packages', entry.pkg, entry.from);
  const outfile = bundlePath(entry);
  const result = await build({
    stdin: { contents: entrySource(from), resolveDir: dirname(from), sourcefile: from, loader: 'ts' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: `node${entry.node ?? 24}`,
    outfile,
    external: Object.keys(separateLibraries),
    banner: { js: banner },
    // function and class names stay as written, so stack traces and logged error names read as in the sources
    keepNames: true,
    // pino and others pick their ESM or CJS build through these conditions, as Node does
    conditions: ['node', 'import'],
    mainFields: ['module', 'main'],
    legalComments: 'eof',
    logLevel: 'warning',
    write: false,
  });
  // written aside and renamed into place: a test running the bundle while another rebuilds it never reads half a file
  mkdirSync(dirname(outfile), { recursive: true });
  for (const file of result.outputFiles) {
    const aside = `${file.path}.${process.pid}.tmp`;
    writeFileSync(aside, file.contents);
    renameSync(aside, file.path);
  }
  return outfile;
}

if (process.argv[1] === import.meta.filename) {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((pkg) => !bundleEntries.some((entry) => entry.pkg === pkg));
  if (unknown.length) {
    process.stderr.write(`bundle: no entry for ${unknown.join(', ')} in scripts/bundle/entries.ts\n`);
    process.exit(2);
  }
  for (const entry of bundleEntries.filter((e) => !wanted.length || wanted.includes(e.pkg))) {
    const outfile = await bundle(entry);
    process.stdout.write(`${relative(repoRoot, outfile)} ${(statSync(outfile).size / 1e6).toFixed(1)}MB\n`);
  }
}
