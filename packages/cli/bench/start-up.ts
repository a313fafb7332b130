// Benchmark: start-up of `fluxion --help` from the sources (bin/fluxion, type stripping) beside the bundle that the
// CLI's npm package ships (dist/fluxion.mjs), and the installed package on this Node and on the machine's own older
// Node where there is one. Median wall and CPU time of 10 runs each, after one run that fills the compile cache.
// Run: node packages/cli/bench/start-up.ts
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { median } from '@fluxion/testenv';
import { buildCliPackage } from '../../../scripts/bundle/cli-package.ts';

const runs = 10;

// CPU time (user+sys, from /usr/bin/time) beside wall time: on a shared machine the wall clock measures the neighbours.
const timeBinary = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

/** Median wall and CPU milliseconds of `runs` runs. */
function medianMs(command: string, args: string[]): { wall: number; cpu: number } {
  spawnSync(command, args); // fills the compile cache, as any earlier run would have
  const samples = Array.from({ length: runs }, () => {
    const started = performance.now();
    const [program, programArgs] = timeBinary ? [timeBinary, ['-f', 'cpu %U %S', command, ...args]] : [command, args];
    const result = spawnSync(program, programArgs, { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr}`);
    const cpu = /cpu (\d+\.\d+) (\d+\.\d+)\s*$/.exec(result.stderr);
    return { wall: performance.now() - started, cpu: cpu ? (Number(cpu[1]) + Number(cpu[2])) * 1000 : Number.NaN };
  });
  return { wall: median(samples.map((s) => s.wall)), cpu: median(samples.map((s) => s.cpu)) };
}

const scratch = mkdtempSync(join(tmpdir(), 'fluxion-cli-start-up-'));
try {
  const tarball = await buildCliPackage(scratch);
  const installed = join(scratch, 'installed');
  execFileSync('npm', ['install', '--prefix', installed, '--offline', '--no-audit', '--no-fund', tarball], {
    stdio: 'pipe',
  });
  const packagedBin = join(installed, 'node_modules', '@fluxion', 'cli', 'bin', 'fluxion.mjs');
  const rows: Array<[string, { wall: number; cpu: number }]> = [
    [
      'sources (bin/fluxion, Node 24 type stripping)',
      medianMs(join(import.meta.dirname, '..', 'bin', 'fluxion'), ['--help']),
    ],
    [
      'bundle (node dist/fluxion.mjs)',
      medianMs(process.execPath, [join(scratch, 'package', 'dist', 'fluxion.mjs'), '--help']),
    ],
    [`installed package, Node ${process.version}`, medianMs(process.execPath, [packagedBin, '--help'])],
  ];
  if (existsSync('/usr/bin/node')) {
    const version = execFileSync('/usr/bin/node', ['--version'], { encoding: 'utf8' }).trim();
    if (version !== process.version)
      rows.push([`installed package, Node ${version}`, medianMs('/usr/bin/node', [packagedBin, '--help'])]);
  }
  console.log(
    `fluxion --help start-up, median of ${runs} runs (load average ${loadavg()[0]?.toFixed(1)} on ${cpus().length} cores):`,
  );
  for (const [what, ms] of rows)
    console.log(`  wall ${ms.wall.toFixed(0).padStart(5)} ms, cpu ${ms.cpu.toFixed(0).padStart(5)} ms  ${what}`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
