import { basename, dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { crdPaths, loadCrdFile } from './crd-files.ts';
import { lintCrd, lintSchema } from './crd-lint.ts';
import type { JsonSchema } from './crd-manifest.ts';

const intervalPattern = '^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$';
// Kinds nothing polls: another tool writes an ExternalArtifact's status.
// ExternalArtifact and Alert (v1beta3) have no interval.
const withoutInterval = new Set([
  'source.toolkit.fluxcd.io/externalartifacts.yaml',
  'notification.toolkit.fluxcd.io/alerts.yaml',
]);

describe('CRD files', () => {
  it('are found for every kind Fluxion serves', () => {
    const files = crdPaths().map((path) => `${basename(dirname(path))}/${basename(path)}`);
    expect(files).toEqual(
      expect.arrayContaining([
        'source.toolkit.fluxcd.io/gitrepositories.yaml',
        'kustomize.toolkit.fluxcd.io/kustomizations.yaml',
      ]),
    );
  });

  for (const path of crdPaths()) {
    const label = `${basename(dirname(path))}/${basename(path)}`;
    it(`${label} is a valid structural apiextensions.k8s.io/v1 CRD`, () => {
      const crd = loadCrdFile(path);
      expect(lintCrd(crd, { group: basename(dirname(path)), name: basename(path) })).toEqual([]);
    });

    it.skipIf(withoutInterval.has(label))(`${label} uses Flux's interval pattern`, () => {
      const spec = loadCrdFile(path).spec.versions[0]?.schema.openAPIV3Schema.properties?.spec;
      const interval = spec?.properties?.interval;
      if (label.endsWith('/alerts.yaml')) return expect(interval).toBeUndefined();
      expect(interval?.type).toBe('string');
      expect(interval?.pattern).toBe(intervalPattern);
    });
  }
});

describe('lintSchema', () => {
  it('finds what the API server would reject as non-structural, and defaults that fail their own schema', () => {
    const schema: JsonSchema = {
      type: 'object',
      required: ['missing'],
      properties: {
        untyped: { description: 'no type' },
        timeout: { type: 'string', pattern: '^[0-9]+s$', default: '1m' },
        list: { type: 'array' },
        both: { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: { type: 'string' } },
      },
    };
    expect(lintSchema(schema, 'spec')).toEqual([
      'spec: required missing is not a property',
      'spec.untyped: has no type',
      'spec.timeout.default: does not match ^[0-9]+s$',
      'spec.list: array without items',
      'spec.both: properties and additionalProperties are mutually exclusive',
    ]);
  });
});
