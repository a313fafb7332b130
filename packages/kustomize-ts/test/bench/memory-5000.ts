// Benchmark 3: memory to build 5,000 objects (base + 2 overlay layers): peak RSS of both executables, and of an in-process buildToYaml.
// Run: node packages/kustomize-ts/test/bench/memory-5000.ts [--objects N] [--with-kustomize]
// kustomize itself is opt-in here: its name-reference pass is quadratic, and 5,000 objects took it about 7 minutes on 2 shared cores.
import { buildToYaml } from '../../src/index.ts';
import {
  formatMiB,
  formatMs,
  kubectlKustomizeArgs,
  kustomizeTsExecutable,
  makeTempDir,
  printTable,
  progress,
  runTimed,
  writeLayeredTree,
} from './bench-support.ts';

const objectsIndex = process.argv.indexOf('--objects');
const objectCount = objectsIndex >= 0 ? Number(process.argv[objectsIndex + 1]) : 5000;
const withKustomize = process.argv.includes('--with-kustomize');
const { dir: root, remove } = makeTempDir('memory');
try {
  const top = writeLayeredTree(root, objectCount, 2);
  const kustomize = kubectlKustomizeArgs(top);
  const rows: string[][] = [];

  let reference: string | undefined;
  if (withKustomize) {
    progress(`building ${objectCount} objects with kustomize (minutes)`);
    const result = runTimed(kustomize.command, kustomize.args, root);
    if (result.status !== 0) throw new Error(`kustomize failed: ${result.stderr.slice(0, 2000)}`);
    rows.push([
      `${kustomize.command} ${kustomize.args[0]} (process)`,
      formatMs(result.wallMs),
      formatMs(result.cpuMs),
      formatMiB(result.peakRssKiB),
      '-',
    ]);
    reference = result.stdout;
  }

  progress(`building ${objectCount} objects with bin/kustomize-ts`);
  const executable = runTimed(kustomizeTsExecutable, ['build', top], root);
  if (executable.status !== 0)
    throw new Error(`bin/kustomize-ts failed (exit ${executable.status}): ${executable.stderr.slice(0, 2000)}`);
  rows.push([
    'bin/kustomize-ts build (process)',
    formatMs(executable.wallMs),
    formatMs(executable.cpuMs),
    formatMiB(executable.peakRssKiB),
    '-',
  ]);

  progress(`building ${objectCount} objects in process`);
  const rssBeforeKiB = process.resourceUsage().maxRSS;
  const heapBefore = process.memoryUsage().heapUsed;
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const output = await buildToYaml(top);
  const cpu = process.cpuUsage(cpuBefore);
  const elapsed = performance.now() - started;
  const heapAfter = process.memoryUsage().heapUsed;
  const rssPeakKiB = process.resourceUsage().maxRSS;
  rows.push([
    'kustomize-ts buildToYaml (in process)',
    formatMs(elapsed),
    formatMs((cpu.user + cpu.system) / 1000),
    `${formatMiB(rssPeakKiB)} (+${formatMiB(rssPeakKiB - rssBeforeKiB)})`,
    formatMiB((heapAfter - heapBefore) / 1024),
  ]);

  printTable(
    `memory for ${objectCount} base objects under 2 overlay layers`,
    ['build', 'time', 'cpu (user+sys)', 'peak RSS', 'heap growth'],
    rows,
  );
  console.log(
    `output size: ${formatMiB(Buffer.byteLength(output) / 1024)}, executable and in-process output equal: ${executable.stdout === output ? 'yes' : 'NO'}`,
  );
  if (reference === undefined)
    console.log('kustomize not run (pass --with-kustomize to compare; it takes minutes at this size)');
  else console.log(`output identical to kustomize: ${output === reference ? 'yes' : 'NO'}`);
} finally {
  remove();
}
