// Benchmark 2: a generated 500-object tree under 3 overlay layers, `bin/kustomize-ts build` vs `kubectl kustomize`, both as processes.
// Run: node packages/kustomize-ts/test/bench/large-tree.ts [--runs N] [--objects N]
import {
  formatMiB,
  formatMs,
  kubectlKustomizeArgs,
  kustomizeTsExecutable,
  makeTempDir,
  median,
  printTable,
  progress,
  runTimed,
  runsFromArgs,
  writeLayeredTree,
} from './bench-support.ts';

const runs = runsFromArgs(5);
const objectsIndex = process.argv.indexOf('--objects');
const objectCount = objectsIndex >= 0 ? Number(process.argv[objectsIndex + 1]) : 500;
const { dir: root, remove } = makeTempDir('large');
try {
  const top = writeLayeredTree(root, objectCount, 3);
  const kustomize = kubectlKustomizeArgs(top);
  const contenders = [
    { label: 'bin/kustomize-ts build', command: kustomizeTsExecutable, args: ['build', top] },
    { label: `${kustomize.command} ${kustomize.args[0]}`, command: kustomize.command, args: kustomize.args },
  ];
  const rows: string[][] = [];
  const outputs: string[] = [];
  const medians: number[] = [];
  const cpuMedians: number[] = [];
  for (const contender of contenders) {
    const wallMs: number[] = [];
    const cpuMs: number[] = [];
    const peakRssKiB: number[] = [];
    for (let run = 0; run < runs; run++) {
      const result = runTimed(contender.command, contender.args, root);
      if (result.status !== 0)
        throw new Error(`${contender.label} failed (exit ${result.status}): ${result.stderr.slice(0, 2000)}`);
      wallMs.push(result.wallMs);
      cpuMs.push(result.cpuMs);
      peakRssKiB.push(result.peakRssKiB);
      if (run === 0) outputs.push(result.stdout);
      progress(`${contender.label}: run ${run + 1}/${runs} ${formatMs(result.wallMs)} (cpu ${formatMs(result.cpuMs)})`);
    }
    medians.push(median(wallMs));
    cpuMedians.push(median(cpuMs));
    rows.push([
      contender.label,
      formatMs(median(wallMs)),
      formatMs(median(cpuMs)),
      formatMiB(median(peakRssKiB)),
      formatMiB(Math.max(...peakRssKiB)),
    ]);
  }
  const objectsOut = (outputs[1] ?? '').split('\n---\n').length;
  printTable(
    `${objectCount} base objects, 3 overlay layers (${objectsOut} objects out), median of ${runs}, process start included`,
    ['build', 'median time', 'median cpu (user+sys)', 'median peak RSS', 'max peak RSS'],
    rows,
  );
  const ratio = (medians[1] ?? Number.NaN) / (medians[0] ?? Number.NaN);
  console.log(
    `ratio kustomize / kustomize-ts: ${ratio.toFixed(2)} (kustomize-ts is ${ratio >= 1 ? `${ratio.toFixed(1)}x faster` : `${(1 / ratio).toFixed(1)}x slower`})`,
  );
  const cpuRatio = (cpuMedians[1] ?? Number.NaN) / (cpuMedians[0] ?? Number.NaN);
  console.log(`cpu ratio kustomize / kustomize-ts: ${cpuRatio.toFixed(2)}`);
  console.log(`output identical to kustomize: ${outputs[0] === outputs[1] ? 'yes' : 'NO'}`);
} finally {
  remove();
}
