import { describe, expect, it } from 'vitest';
import { defaultTakeOverManagers, takeOverFieldManagersPatch } from './field-managers.ts';

const entry = (manager: string, operation: string, fields: object, subresource?: string) => ({
  manager,
  operation,
  apiVersion: 'apps/v1',
  fieldsType: 'FieldsV1',
  fieldsV1: fields,
  ...(subresource ? { subresource } : {}),
});

describe('taking over kubectl field managers', () => {
  const managers = defaultTakeOverManagers('fluxion');

  it('renames kubectl-edit to our Apply manager, merging its fields into ours, and keeps other managers', () => {
    const live = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name: 'web',
        resourceVersion: '42',
        managedFields: [
          entry('fluxion', 'Apply', { 'f:spec': { 'f:replicas': {} } }),
          entry('kubectl-edit', 'Update', { 'f:metadata': { 'f:labels': { 'f:extra': {} } } }),
          entry('hpa-controller', 'Update', { 'f:metadata': { 'f:annotations': { 'f:hpa': {} } } }),
          entry('kubectl', 'Update', { 'f:spec': { 'f:replicas': {} } }, 'scale'),
        ],
      },
    };
    const patch = takeOverFieldManagersPatch(live as never, managers, 'fluxion');
    expect(patch?.[0]).toEqual({ op: 'test', path: '/metadata/resourceVersion', value: '42' });
    const entries = patch?.[1]?.value as Array<{
      manager: string;
      operation: string;
      fieldsV1: object;
      subresource?: string;
    }>;
    expect(entries.map((e) => `${e.manager}/${e.operation}${e.subresource ? `/${e.subresource}` : ''}`)).toEqual([
      'fluxion/Apply',
      'hpa-controller/Update',
      'kubectl/Update/scale',
    ]);
    expect(entries[0]?.fieldsV1).toEqual({
      'f:spec': { 'f:replicas': {} },
      'f:metadata': { 'f:labels': { 'f:extra': {} } },
    });
  });

  it('returns nothing to do when no kubectl manager is present', () => {
    const live = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c', managedFields: [entry('fluxion', 'Apply', {})] },
    };
    expect(takeOverFieldManagersPatch(live as never, managers, 'fluxion')).toBeUndefined();
  });
});
