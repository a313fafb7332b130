// `make bench`: runs every package's benchmark scripts one after another and prints their figures.
// A benchmark is a plain script in packages/<pkg>/bench/ (or kustomize-ts/test/bench/) that prints a summary.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, relative } from 'node:path';

const root = join(import.meta.dirname, '..');
const only = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
const benchDirs = readdirSync(join(root, 'packages')).flatMap((pkg) =>
  ['bench', 'test/bench'].map((dir) => join(root, 'packages', pkg, dir)).filter(existsSync),
);
// Helpers shared by benchmarks are named *-support.ts; dot-files are scratch.
const scripts = benchDirs
  .flatMap((dir) =>
    readdirSync(dir)
      .filter((f) => f.endsWith('.ts') && !f.startsWith('.') && !f.endsWith('-support.ts'))
      .map((f) => join(dir, f)),
  )
  .filter((script) => only.length === 0 || only.some((word) => script.includes(word)));

// bench-vs-flux runs too once Flux's controllers are built (`make flux-controllers`); it does not build them itself here.
const cache =
  process.env['FLUXION_CACHE'] ?? join(process.env['XDG_CACHE_HOME'] ?? join(homedir(), '.cache'), 'fluxion');
const fluxBuilt = ['kustomize-controller', 'source-controller'].every((name) =>
  existsSync(join(cache, 'flux-controllers', name, 'v1.9.6', name)),
);
const vsFlux = join(root, 'scripts/flux/bench-vs-flux.ts');
if (fluxBuilt && (only.length === 0 || only.some((word) => vsFlux.includes(word)))) scripts.push(vsFlux);

const results: Array<{ script: string; seconds: number; ok: boolean }> = [];
for (const script of scripts) {
  const name = relative(root, script);
  console.log(`\n=== ${name}`);
  const began = performance.now();
  const run = spawnSync(process.execPath, [script], { cwd: root, stdio: 'inherit' });
  results.push({ script: name, seconds: (performance.now() - began) / 1000, ok: run.status === 0 });
}
console.log('\nbenchmarks run:');
for (const { script, seconds, ok } of results)
  console.log(`  ${ok ? 'ok    ' : 'FAILED'} ${seconds.toFixed(1).padStart(7)} s  ${script}`);
process.exit(results.every((r) => r.ok) ? 0 : 1);
