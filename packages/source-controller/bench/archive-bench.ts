// Archives a generated 10,000-file / 200 MB tree three times, each in a fresh process, and prints the median
// time and peak RSS. Usage: node packages/source-controller/bench/archive-bench.ts [files] [megabytes]
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median } from '@fluxion/testenv';
import { fileURLToPath } from 'node:url';
import { archiveDirectory } from '../src/archive.ts';

const runs = 3;

// Child mode: archive once and print a JSON line with the figures.
if (process.argv[2] === '--archive-once') {
  const [source, output] = [process.argv[3]!, process.argv[4]!];
  const started = performance.now();
  const result = await archiveDirectory(source, output);
  const seconds = (performance.now() - started) / 1000;
  // resourceUsage().maxRSS is the process's peak, in kilobytes.
  console.log(JSON.stringify({ seconds, peakRssMb: process.resourceUsage().maxRSS / 1024, ...result }));
  process.exit(0);
}

const fileCount = Number(process.argv[2] ?? 10_000);
const totalMb = Number(process.argv[3] ?? 200);
const root = await mkdtemp(join(tmpdir(), 'archive-bench-'));
try {
  const source = join(root, 'source');
  process.stdout.write(`generating ${fileCount} files, ${totalMb} MB in ${source} `);
  await generateTree(source, fileCount, totalMb * 1024 * 1024);
  process.stdout.write('done\n');

  const samples: Array<{ seconds: number; peakRssMb: number; digest: string; size: number }> = [];
  for (let run = 1; run <= runs; run++) {
    const output = join(root, `run-${run}.tar.gz`);
    const line = execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--archive-once', source, output], {
      encoding: 'utf8',
    });
    const sample = JSON.parse(line.trim().split('\n').at(-1)!) as (typeof samples)[number];
    samples.push(sample);
    console.log(
      `run ${run}/${runs}: ${sample.seconds.toFixed(2)} s, peak RSS ${sample.peakRssMb.toFixed(0)} MB, ${(sample.size / 1024 / 1024).toFixed(1)} MB archive`,
    );
    await rm(output, { force: true });
  }
  const digests = new Set(samples.map((sample) => sample.digest));
  console.log('');
  console.log(`archive of ${fileCount} files / ${totalMb} MB (median of ${runs}):`);
  console.log(`  time       ${median(samples.map((s) => s.seconds)).toFixed(2)} s`);
  console.log(`  peak RSS   ${median(samples.map((s) => s.peakRssMb)).toFixed(0)} MB`);
  console.log(
    `  digest     ${digests.size === 1 ? `${[...digests][0]} (equal in every run)` : 'DIFFERED between runs'}`,
  );
  if (digests.size !== 1) process.exitCode = 1;
} finally {
  await rm(root, { recursive: true, force: true });
}

// Mostly text (YAML-like, compressible), with a share of random bytes, spread over nested directories.
async function generateTree(dir: string, files: number, totalBytes: number): Promise<void> {
  const perFile = Math.floor(totalBytes / files);
  const yamlLine = Buffer.from(
    'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: podinfo\n  namespace: apps\n',
  );
  for (let i = 0; i < files; i++) {
    const sub = join(dir, `team-${i % 20}`, `app-${Math.floor(i / 20) % 25}`);
    if (i < 500) await mkdir(sub, { recursive: true });
    const content = Buffer.alloc(perFile);
    if (i % 5 === 0) {
      randomBytes(perFile).copy(content);
    } else {
      for (let offset = 0; offset < perFile; offset += yamlLine.length) yamlLine.copy(content, offset);
      content.write(`# file ${i}\n`, 0);
    }
    await writeFile(join(sub, `manifest-${i}.yaml`), content);
    if (i % 1000 === 0) process.stdout.write('.');
  }
}
