import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { mergeValues, mergeValuesFiles } from './helm-values.ts';

describe('mergeValues', () => {
  it('merges maps key by key and replaces lists and scalars, later winning', () => {
    expect(mergeValues({ a: { b: 1, c: [1, 2] }, d: 'x' }, { a: { c: [3], e: true }, d: null })).toEqual({
      a: { b: 1, c: [3], e: true },
      d: null,
    });
  });
});

describe('mergeValuesFiles', () => {
  it('merges files in order, skips missing ones only when asked, and refuses paths leaving the root', async () => {
    const root = await mkdtemp(join(tmpdir(), 'values-'));
    await writeFile(join(root, 'values.yaml'), 'replicas: 1\nimage:\n  tag: a\n  pull: Always\n');
    await writeFile(join(root, 'prod.yaml'), 'replicas: 3\nimage:\n  tag: b\n');
    const merged = await mergeValuesFiles(root, ['values.yaml', 'missing.yaml', 'prod.yaml'], true, 'the chart');
    expect(parse(merged.yaml)).toEqual({ replicas: 3, image: { tag: 'b', pull: 'Always' } });
    expect(merged.used).toEqual(['values.yaml', 'prod.yaml']);
    await expect(mergeValuesFiles(root, ['missing.yaml'], false, 'the chart')).rejects.toThrow(
      "no values file 'missing.yaml' in the chart",
    );
    await expect(mergeValuesFiles(root, ['../../etc/passwd'], true, 'the chart')).rejects.toThrow(/leaves the chart/);
    await writeFile(join(root, 'list.yaml'), '- 1\n');
    await expect(mergeValuesFiles(root, ['list.yaml'], false, 'the chart')).rejects.toThrow(/not a YAML mapping/);
  });
});
