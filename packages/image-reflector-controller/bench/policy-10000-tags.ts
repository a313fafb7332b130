// ImagePolicy's choice over 10,000 tags (target: under 50 ms each), for each policy kind: the pure function an
// ImagePolicy reconcile runs once the ImageRepository's tags are in memory.
// Run: node packages/image-reflector-controller/bench/policy-10000-tags.ts
import type { ImagePolicyChoice, TagFilter } from '@fluxion/api';
import { median } from '@fluxion/testenv';
import { compileTagPolicy } from '../src/tag-policy.ts';

const tagCount = 10_000;
const runs = 15;
const targetMs = 50;

// A realistic mix: releases, prereleases, CI build tags with a timestamp, a few floating tags, cosign leftovers.
const tags: string[] = [];
for (let index = 0; tags.length < tagCount; index++) {
  const major = 1 + (index % 3);
  const minor = Math.floor(index / 3) % 100;
  const patch = Math.floor(index / 300);
  tags.push(
    `${major}.${minor}.${patch}`,
    `v${major}.${minor}.${patch}-rc.${index % 5}`,
    `main-${((index * 2654435761) % 0xffffff).toString(16)}-${1_700_000_000 + index}`,
  );
}
tags.length = tagCount;
tags.push('latest', 'stable', 'edge');

const cases: { name: string; policy: ImagePolicyChoice; filter?: TagFilter }[] = [
  { name: "semver '>=1.0.0 <3.0.0'", policy: { semver: { range: '>=1.0.0 <3.0.0' } } },
  { name: "semver '^2.x-0' (prereleases)", policy: { semver: { range: '^2.x-0' } } },
  { name: 'alphabetical asc', policy: { alphabetical: { order: 'asc' } } },
  {
    name: 'numerical asc over $ts of main-<sha>-<ts>',
    policy: { numerical: { order: 'asc' } },
    filter: { pattern: '^main-[a-f0-9]+-(?P<ts>[0-9]+)$', extract: '$ts' },
  },
];

console.log(`policy over ${tags.length.toLocaleString('en')} tags, median of ${runs} runs (target < ${targetMs} ms):`);
let allWithinTarget = true;
for (const { name, policy, filter } of cases) {
  const compiled = compileTagPolicy(policy, filter);
  const times: number[] = [];
  let chosen = '';
  for (let run = 0; run < runs; run++) {
    const began = performance.now();
    chosen = compiled.latest(tags);
    times.push(performance.now() - began);
  }
  const ms = median(times);
  allWithinTarget &&= ms < targetMs;
  console.log(
    `  ${name.padEnd(44)} ${ms.toFixed(2).padStart(7)} ms  (first run ${times[0]!.toFixed(2)} ms)  → ${chosen}`,
  );
}
console.log(allWithinTarget ? `all under ${targetMs} ms` : `SLOWER than ${targetMs} ms`);
process.exitCode = allWithinTarget ? 0 : 1;
