// Benchmark 1: a small overlay (base of 10 objects; overlay with a patch, a generator, images), in-process buildToYaml vs `kubectl kustomize`.
// Run: node packages/kustomize-ts/test/bench/small-overlay.ts [--runs N]
import { buildToYaml } from '../../src/index.ts';
import {
  formatMs,
  kubectlKustomizeArgs,
  makeTempDir,
  median,
  printTable,
  progress,
  runTimed,
  runsFromArgs,
  writeFile,
  writeLayeredTree,
} from './bench-support.ts';

const runs = runsFromArgs(20);
const { dir: root, remove } = makeTempDir('small');
try {
  writeLayeredTree(root, 10, 0);
  writeFile(
    root,
    'overlay/kustomization.yaml',
    `resources:
- ../base
namespace: shop
patches:
- target:
    kind: Deployment
  patch: |-
    - op: replace
      path: /spec/replicas
      value: 2
configMapGenerator:
- name: shop-settings
  literals:
  - LOG_LEVEL=debug
  - CURRENCY=EUR
images:
- name: ghcr.io/acme/service
  newName: registry.acme.io/service
  newTag: 2.0.0
`,
  );
  const overlay = `${root}/overlay`;
  const kustomize = kubectlKustomizeArgs(overlay);

  progress(`warming up, then ${runs} runs of each`);
  const reference = runTimed(kustomize.command, kustomize.args, root);
  if (reference.status !== 0) throw new Error(`kustomize failed on the generated overlay: ${reference.stderr}`);
  const ours = await buildToYaml(overlay);

  const inProcessMs: number[] = [];
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    await buildToYaml(overlay);
    inProcessMs.push(performance.now() - started);
  }
  progress('in-process runs done');
  const kustomizeMs: number[] = [];
  for (let run = 0; run < runs; run++) kustomizeMs.push(runTimed(kustomize.command, kustomize.args, root).wallMs);
  progress('kustomize runs done');

  const oursMedian = median(inProcessMs);
  const kustomizeMedian = median(kustomizeMs);
  printTable(
    `small overlay: 10 base objects + patch + generator + images, median of ${runs}`,
    ['build', 'median', 'min', 'max'],
    [
      [
        'kustomize-ts buildToYaml (in process)',
        formatMs(oursMedian),
        formatMs(Math.min(...inProcessMs)),
        formatMs(Math.max(...inProcessMs)),
      ],
      [
        `${kustomize.command} ${kustomize.args[0]} (process)`,
        formatMs(kustomizeMedian),
        formatMs(Math.min(...kustomizeMs)),
        formatMs(Math.max(...kustomizeMs)),
      ],
    ],
  );
  const ratio = kustomizeMedian / oursMedian;
  console.log(
    `ratio kustomize / kustomize-ts: ${ratio.toFixed(2)} (kustomize-ts is ${ratio >= 1 ? `${ratio.toFixed(1)}x faster` : `${(1 / ratio).toFixed(1)}x slower`})`,
  );
  console.log(`output identical to kustomize: ${ours === reference.stdout ? 'yes' : 'NO'}`);
} finally {
  remove();
}
