// Lays out what a controller's image holds in /app: its bundles in dist/ and the few files they need at run time
// (entries.ts says which), with no node_modules. Usage: node scripts/bundle/image-app.ts PKG APP_DIR
import { cpSync, mkdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { bundle, separateLibrariesOf } from './bundle.ts';
import { bundleEntries, separateLibraries, shippedFiles, type BundleEntry } from './entries.ts';

const repoRoot = resolve(import.meta.dirname, '..', '..');

export async function layOutImageApp(
  pkg: string,
  appDir: string,
  allEntries: readonly BundleEntry[] = bundleEntries,
): Promise<void> {
  const entries = allEntries.filter((entry) => entry.pkg === pkg);
  if (!entries.length) throw new Error(`no bundle entry for ${pkg} in scripts/bundle/entries.ts`);
  rmSync(appDir, { recursive: true, force: true });
  mkdirSync(join(appDir, 'dist'), { recursive: true });
  const libraries = new Set<string>();
  for (const entry of entries) {
    const bundled = await bundle(entry);
    cpSync(bundled, join(appDir, 'dist', `${entry.name}.mjs`));
    for (const name of separateLibrariesOf(readFileSync(bundled, 'utf8'))) libraries.add(name);
  }
  // the libraries the bundles import, as node_modules/<name> beside dist/ (only the files Node loads)
  for (const name of libraries) {
    // the package's own dependency, where pnpm links it (its package.json is not among its exports to resolve)
    const from = realpathSync(join(repoRoot, 'packages', pkg, 'node_modules', name));
    for (const file of separateLibraries[name] ?? []) {
      mkdirSync(dirname(join(appDir, 'node_modules', name, file)), { recursive: true });
      cpSync(join(from, file), join(appDir, 'node_modules', name, file));
    }
  }
  for (const file of shippedFiles[pkg] ?? []) {
    cpSync(join(repoRoot, 'packages', pkg, file), join(appDir, file), { recursive: true });
  }
  // a shipped script that starts a program by its source path starts its bundle instead (no sources in the image)
  for (const entry of entries) {
    for (const file of entry.calledFrom ?? []) {
      const text = readFileSync(join(appDir, file), 'utf8');
      if (!text.includes(entry.from))
        throw new Error(`${pkg}/${file} no longer names ${entry.from}: update calledFrom in scripts/bundle/entries.ts`);
      writeFileSync(join(appDir, file), text.replaceAll(entry.from, `dist/${entry.name}.mjs`));
    }
  }
}

if (process.argv[1] === import.meta.filename) {
  const [pkg, appDir] = process.argv.slice(2);
  if (!pkg || !appDir) {
    process.stderr.write('usage: node scripts/bundle/image-app.ts PKG APP_DIR\n');
    process.exit(2);
  }
  try {
    await layOutImageApp(pkg, resolve(appDir));
  } catch (error) {
    process.stderr.write(`image-app: ${(error as Error).message}\n`);
    process.exit(1);
  }
}
