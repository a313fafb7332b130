import { describe, expect, it } from 'vitest';
import { buildMergeSchema } from './generate.ts';
import { elementSchema, fieldSchema, hasMergeStrategy, listType, mergeKeys, schemaFor } from './schema.ts';

function lookup(apiVersion: string, kind: string, ...path: string[]) {
  let schema = schemaFor(apiVersion, kind);
  for (const part of path) schema = part === '[]' ? elementSchema(schema) : fieldSchema(schema, part);
  return schema;
}

describe('built-in merge schema', () => {
  it('knows merge keys of workload lists', () => {
    const containers = lookup('apps/v1', 'Deployment', 'spec', 'template', 'spec', 'containers');
    expect(hasMergeStrategy(containers)).toBe(true);
    expect(mergeKeys(containers)).toEqual(['name']);
    const ports = lookup('apps/v1', 'Deployment', 'spec', 'template', 'spec', 'containers', '[]', 'ports');
    expect(mergeKeys(ports)).toEqual(['containerPort', 'protocol']);
    expect(listType(ports)).toBe('map');
    const mounts = lookup('v1', 'Pod', 'spec', 'containers', '[]', 'volumeMounts');
    expect(mergeKeys(mounts)).toEqual(['mountPath']);
  });

  it('treats merge,retainKeys as a merge strategy and primitive merged lists as keyless', () => {
    expect(hasMergeStrategy(lookup('v1', 'Pod', 'spec', 'volumes'))).toBe(true);
    const finalizers = lookup('v1', 'ConfigMap', 'metadata', 'finalizers');
    expect(hasMergeStrategy(finalizers)).toBe(true);
    expect(mergeKeys(finalizers)).toEqual([]);
  });

  it('has no merge strategy for atomic lists and no schema for unknown kinds', () => {
    expect(hasMergeStrategy(lookup('v1', 'Pod', 'spec', 'tolerations'))).toBe(false);
    expect(hasMergeStrategy(lookup('v1', 'Pod', 'spec', 'containers', '[]', 'args'))).toBe(false);
    expect(schemaFor('example.com/v1', 'Foo')).toBeUndefined();
  });

  it('resolves map values through additionalProperties', () => {
    const claimTemplates = lookup('apps/v1', 'StatefulSet', 'spec', 'volumeClaimTemplates', '[]', 'spec');
    expect(claimTemplates).toBeDefined();
  });
});

describe('buildMergeSchema', () => {
  it('keeps patch metadata and drops plain scalar fields', () => {
    const data = buildMergeSchema(
      {
        definitions: {
          'x.Thing': {
            type: 'object',
            'x-kubernetes-group-version-kind': [{ group: 'example.com', version: 'v1', kind: 'Thing' }],
            properties: {
              name: { type: 'string' },
              items: {
                type: 'array',
                items: { $ref: '#/definitions/x.Item' },
                'x-kubernetes-patch-strategy': 'merge',
                'x-kubernetes-patch-merge-key': 'id',
              },
            },
          },
          'x.Item': { type: 'object', properties: { id: { type: 'string' } } },
        },
      },
      'test',
    );
    const items = fieldSchema(schemaFor('example.com/v1', 'Thing', data), 'items');
    expect(mergeKeys(items)).toEqual(['id']);
    expect(fieldSchema(schemaFor('example.com/v1', 'Thing', data), 'name')).toBeUndefined();
  });
});
