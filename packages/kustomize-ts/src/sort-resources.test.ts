// The legacy order below is what `kubectl kustomize` printed for the same resources.
import { describe, expect, it } from 'vitest';
import { makeResource } from './resource.ts';
import { sortResources } from './sort-resources.ts';
import type { KObject } from './types.ts';

const objects: KObject[] = [
  { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b', namespace: 'a' } },
  { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'z' } },
  { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } },
  { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'default' } },
  { apiVersion: 'example.com/v1', kind: 'Zeta', metadata: { name: 'a' } },
  { apiVersion: 'apps/v1', kind: 'Alpha', metadata: { name: 'a' } },
  { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'MutatingWebhookConfiguration', metadata: { name: 'm' } },
  { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'm' } },
  { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'm' } },
  { apiVersion: 'v1', kind: 'Service', metadata: { name: 'm' } },
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n' } },
];

function describeOrder(order: KObject[]): string[] {
  return order.map((o) => `${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`);
}

describe('sortResources', () => {
  it('puts kinds in kustomize legacy order, then namespace (none last), then name', () => {
    const sorted = sortResources(objects.map(makeResource), undefined).map((r) => r.object);
    expect(describeOrder(sorted)).toEqual([
      'Namespace//n',
      'ConfigMap/a/b',
      'ConfigMap/default/a',
      'ConfigMap/z/a',
      'ConfigMap//c',
      'Endpoints//m',
      'Service//m',
      'PersistentVolumeClaim//m',
      'Alpha//a',
      'Zeta//a',
      'MutatingWebhookConfiguration//m',
    ]);
  });

  it('keeps input order with fifo', () => {
    const sorted = sortResources(objects.map(makeResource), { order: 'fifo' }).map((r) => r.object);
    expect(sorted).toEqual(objects);
  });

  it('honours custom legacy orderFirst and orderLast', () => {
    const sorted = sortResources(objects.map(makeResource), {
      order: 'legacy',
      legacySortOptions: { orderFirst: ['Service'], orderLast: ['Namespace'] },
    });
    const kinds = sorted.map((r) => r.object.kind);
    expect(kinds[0]).toBe('Service');
    expect(kinds[kinds.length - 1]).toBe('Namespace');
  });
});
