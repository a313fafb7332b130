// `make cli-package`: @fluxion/cli as an npm package that installs on its own: the CLI's bundle (every dependency
// inside, so no dependencies to install), a bin that checks the Node version first, and the Helm chart for
// `fluxion install`. Usage: node scripts/bundle/cli-package.ts [OUT_DIR]   (default .cache/cli-package)
// Prints the tarball's path.
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { bundle } from './bundle.ts';
import { bundleEntries } from './entries.ts';

const repoRoot = resolve(import.meta.dirname, '..', '..');
const cliRoot = join(repoRoot, 'packages', 'cli');
/** The oldest Node the bundle runs on: import.meta.dirname came in 20.11. */
export const cliMinimumNode = '20.11';

// Plain old JavaScript, so that any Node can say what it lacks rather than fail on the bundle's syntax.
const launcher = `#!/usr/bin/env node
// fluxion: checks the Node version, then runs the CLI's bundle.
var version = process.versions.node.split('.').map(Number);
var minimum = '${cliMinimumNode}'.split('.').map(Number);
if (version[0] < minimum[0] || (version[0] === minimum[0] && version[1] < minimum[1])) {
  process.stderr.write('fluxion: needs Node.js ${cliMinimumNode} or newer; this is Node.js ' + process.versions.node + '\\n');
  process.exit(2);
}
import('../dist/fluxion.mjs');
`;

export async function buildCliPackage(outDir: string): Promise<string> {
  const entry = bundleEntries.find((candidate) => candidate.pkg === 'cli');
  if (!entry) throw new Error('no bundle entry for cli in scripts/bundle/entries.ts');
  const source = JSON.parse(readFileSync(join(cliRoot, 'package.json'), 'utf8')) as Record<string, unknown>;
  const staging = join(outDir, 'package');
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(join(staging, 'bin'), { recursive: true });
  mkdirSync(join(staging, 'dist'));
  cpSync(await bundle(entry), join(staging, 'dist', 'fluxion.mjs'));
  writeFileSync(join(staging, 'bin', 'fluxion.mjs'), launcher);
  chmodSync(join(staging, 'bin', 'fluxion.mjs'), 0o755);
  // the chart as helm packages it (its scripts/ build helm and sync CRDs in the repository)
  cpSync(join(repoRoot, 'charts', 'fluxion'), join(staging, 'chart'), {
    recursive: true,
    filter: (path) => !path.startsWith(join(repoRoot, 'charts', 'fluxion', 'scripts')),
  });
  cpSync(join(cliRoot, 'README.md'), join(staging, 'README.md'));
  const manifest = {
    name: source['name'],
    version: source['version'],
    description: source['description'],
    type: 'module',
    bin: { fluxion: 'bin/fluxion.mjs' },
    engines: { node: `>=${cliMinimumNode}` },
    files: ['bin', 'dist', 'chart', 'README.md'],
  };
  writeFileSync(join(staging, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const tarball = execFileSync('npm', ['pack', '--silent', '--pack-destination', outDir], {
    cwd: staging,
    encoding: 'utf8',
  }).trim();
  return join(outDir, tarball.split('\n').at(-1) ?? '');
}

if (process.argv[1] === import.meta.filename) {
  const outDir = resolve(process.argv[2] ?? join(repoRoot, '.cache', 'cli-package'));
  mkdirSync(outDir, { recursive: true });
  process.stdout.write(`${await buildCliPackage(outDir)}\n`);
}
