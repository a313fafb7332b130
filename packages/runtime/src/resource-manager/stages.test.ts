import { describe, expect, it } from 'vitest';
import { splitIntoStages, stageOf } from './stages.ts';

const obj = (apiVersion: string, kind: string) => ({ apiVersion, kind, metadata: { name: kind.toLowerCase() } });

describe('apply stages', () => {
  it('puts CRDs, Namespaces and cluster RBAC first, *Class kinds second, the rest last', () => {
    expect(stageOf(obj('apiextensions.k8s.io/v1', 'CustomResourceDefinition'))).toBe('cluster-definitions');
    expect(stageOf(obj('v1', 'Namespace'))).toBe('cluster-definitions');
    expect(stageOf(obj('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding'))).toBe('cluster-definitions');
    expect(stageOf(obj('storage.k8s.io/v1', 'StorageClass'))).toBe('class-definitions');
    expect(stageOf(obj('networking.k8s.io/v1', 'IngressClass'))).toBe('class-definitions');
    expect(stageOf(obj('apps/v1', 'Deployment'))).toBe('resources');
    // a kind named like a built-in in another group is not a cluster definition
    expect(stageOf(obj('example.com/v1', 'Namespace'))).toBe('resources');
  });

  it('keeps input order inside a stage and leaves out empty stages', () => {
    const stages = splitIntoStages([obj('v1', 'ConfigMap'), obj('v1', 'Namespace'), obj('v1', 'Secret')]);
    expect(stages.map((s) => [s.stage, s.objects.map((o) => o.kind)])).toEqual([
      ['cluster-definitions', ['Namespace']],
      ['resources', ['ConfigMap', 'Secret']],
    ]);
  });
});
