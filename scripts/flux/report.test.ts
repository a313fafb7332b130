// The tables: Fluxion, Flux and the ratio; and their place in docs/benchmarks.md, replaced run after run.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderReport, updateBenchmarksDoc } from './report.ts';

const report = (wall: number) =>
  renderReport({
    started: new Date('2026-12-03T14:00:00Z'),
    command: 'node scripts/flux/bench-vs-flux.ts --count=100',
    loads: [6, 9, 12],
    flags: '--concurrent=20',
    shapes: [
      {
        title: '100 Kustomizations to Ready',
        rows: [
          { metric: 'wall time (s)', fluxion: wall, flux: 40 },
          { metric: 'applied objects written', fluxion: 0, flux: 0 },
          { metric: 'peak RSS (MiB)', fluxion: 120, flux: undefined },
        ],
      },
    ],
    failures: ["Flux's source-controller did not build: no network"],
  });

describe('renderReport', () => {
  it("prints each figure beside Flux's with the ratio, the load average and what failed", () => {
    const text = report(8);
    expect(text).toContain('load average 6.0–12.0 (median 9.0)');
    expect(text).toContain('| wall time (s) | 8.00 | 40.0 | 0.20× |');
    expect(text).toContain('| applied objects written | 0.00 | 0.00 | = |');
    expect(text).toContain('| peak RSS (MiB) | 120 | – | – |');
    expect(text).toContain("- Flux's source-controller did not build: no network");
  });

  it('replaces the previous tables in docs/benchmarks.md and keeps the prose around them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-doc-'));
    try {
      const doc = join(dir, 'benchmarks.md');
      writeFileSync(doc, '# Benchmarks\n\nbefore\n');
      updateBenchmarksDoc(doc, report(8));
      writeFileSync(doc, `${readFileSync(doc, 'utf8')}\nafter\n`);
      updateBenchmarksDoc(doc, report(30));
      const text = readFileSync(doc, 'utf8');
      expect(text).toContain('before');
      expect(text).toContain('after');
      expect(text).toContain('| wall time (s) | 30.0 | 40.0 | 0.75× |');
      expect(text).not.toContain('| 8.00 |');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
