import { describe, expect, it } from 'vitest';
import { findChartVersion, parseHelmIndex } from './helm-index.ts';
import { stableJson } from './stable-json.ts';

const index = `apiVersion: v1
entries:
  podinfo:
  - name: podinfo
    version: 6.0.0
    urls: [podinfo-6.0.0.tgz]
  - name: podinfo
    version: 6.10.0
    digest: 0123456789012345678901234567890123456789012345678901234567890123
  - name: podinfo
    version: 7.0.0-rc.1
  - name: podinfo
    version: 6.2.0
  nginx:
  - version: 1.10
generated: "2026-01-01T00:00:00Z"
`;

describe('parseHelmIndex', () => {
  it('sorts versions newest first and keeps every scalar a string', () => {
    const parsed = parseHelmIndex(index, 'http://charts');
    expect(parsed.entries.podinfo!.map((entry) => entry.version)).toEqual(['7.0.0-rc.1', '6.10.0', '6.2.0', '6.0.0']);
    expect(parsed.entries.nginx![0]).toMatchObject({ name: 'nginx', version: '1.10' });
    expect(parsed.entries.podinfo![1]!.digest).toBe('0123456789012345678901234567890123456789012345678901234567890123');
  });

  it('gives one canonical form for reordered content', () => {
    const reordered = index
      .replace('  nginx:\n  - version: 1.10\n', '')
      .replace('entries:\n', 'entries:\n  nginx:\n  - version: 1.10\n');
    expect(stableJson(parseHelmIndex(reordered, 'x'))).toBe(stableJson(parseHelmIndex(index, 'x')));
  });

  it('names the source when the text is not an index', () => {
    expect(() => parseHelmIndex('entries: [unclosed', 'http://charts/index.yaml')).toThrow(
      /'http:\/\/charts\/index.yaml': not valid YAML/,
    );
    expect(() => parseHelmIndex('- a\n- b\n', 'u')).toThrow(/expected a YAML mapping/);
    expect(() => parseHelmIndex('entries: {}\n', 'u')).toThrow(/no API version/);
    expect(() => parseHelmIndex('apiVersion: v1\nentries: [1]\n', 'u')).toThrow(/'entries' is not a mapping/);
  });
});

describe('findChartVersion', () => {
  const parsed = parseHelmIndex(index, 'repo');
  it('picks the highest version in range, stable unless the range asks for prereleases', () => {
    expect(findChartVersion(parsed, 'podinfo', undefined, 'repo').version).toBe('6.10.0');
    expect(findChartVersion(parsed, 'podinfo', '*', 'repo').version).toBe('6.10.0');
    expect(findChartVersion(parsed, 'podinfo', '~6.2', 'repo').version).toBe('6.2.0');
    expect(findChartVersion(parsed, 'podinfo', '>=7.0.0-0', 'repo').version).toBe('7.0.0-rc.1');
    expect(findChartVersion(parsed, 'podinfo', '6.0.0', 'repo').version).toBe('6.0.0');
  });

  it('names the chart, the range and the repository when nothing matches', () => {
    expect(() => findChartVersion(parsed, 'redis', '*', "HelmRepository 'ns/repo'")).toThrow(
      "no chart named 'redis' in the index of HelmRepository 'ns/repo'",
    );
    expect(() => findChartVersion(parsed, 'podinfo', '>=8', 'repo')).toThrow(
      /no version of chart 'podinfo' matches '>=8' in the index of repo \(newest: 7.0.0-rc.1, 6.10.0/,
    );
    expect(() => findChartVersion(parsed, 'podinfo', '>>1', 'repo')).toThrow(/spec.version: invalid semver range/);
  });
});
