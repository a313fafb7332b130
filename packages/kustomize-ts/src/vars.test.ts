// Expected outputs and messages below come from `kubectl kustomize` (kustomize v5.5.0) runs of the same vars.
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import type { KObject, Var } from './types.ts';
import { resolveVars } from './vars.ts';

const resources = `
apiVersion: v1
kind: Service
metadata:
  name: svc
  labels:
    l: $(SVC)
  annotations:
    a: $(SVC)
spec:
  ports:
  - port: 80
    targetPort: $(PORT)
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: cm
data:
  port: "8080"
  k: $(SVC)
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  template:
    metadata:
      labels:
        x: $(SVC)
    spec:
      containers:
      - name: a
        image: $(SVC)
        args: ["--svc=$(SVC)", "$(PORT)", "$$(SVC)", "$(UNKNOWN)", "$(NUM)"]
        command: ["$(NUM)"]
        env:
        - name: E
          value: "http://$(SVC):$(PORT)/"
        - name: F
          value: $(NUM)
`;

const vars = `
- name: SVC
  objref: {kind: Service, name: svc, apiVersion: v1}
- name: PORT
  objref: {kind: ConfigMap, name: cm, apiVersion: v1}
  fieldref: {fieldpath: data.port}
- name: NUM
  objref: {kind: Service, name: svc, apiVersion: v1}
  fieldref:
    fieldpath: spec.ports[0].port
`;

const kustomizeOutput = `
apiVersion: v1
data:
  k: $(SVC)
  port: "8080"
kind: ConfigMap
metadata:
  name: cm
---
apiVersion: v1
kind: Service
metadata:
  annotations:
    a: svc
  labels:
    l: svc
  name: svc
spec:
  ports:
  - port: 80
    targetPort: "8080"
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  template:
    metadata:
      labels:
        x: $(SVC)
    spec:
      containers:
      - args:
        - --svc=svc
        - "8080"
        - $(SVC)
        - $(UNKNOWN)
        - 80
        command:
        - 80
        env:
        - name: E
          value: http://svc:8080/
        - name: F
          value: 80
        image: $(SVC)
        name: a
`;

function documents(text: string): KObject[] {
  return parseAllDocuments(text).map((document) => document.toJS() as KObject);
}

function byKindAndName(objects: KObject[]): Record<string, KObject> {
  return Object.fromEntries(objects.map((object) => [`${object.kind}/${object.metadata?.name}`, object]));
}

function resolved(varsText: string): KObject[] {
  const objects = documents(resources);
  resolveVars(objects, parse(varsText) as Var[]);
  return objects;
}

describe('resolveVars', () => {
  it('substitutes vars only in var reference fields, keeps unknown ones, unescapes $$ and keeps a whole reference typed', () => {
    expect(byKindAndName(resolved(vars))).toEqual(byKindAndName(documents(kustomizeOutput)));
  });

  it('finds objects by the names they had before a rename', () => {
    const objects = documents(resources);
    const service = objects.find((object) => object.kind === 'Service') as KObject;
    service.metadata = { ...service.metadata, name: 'p-svc' };
    resolveVars(
      objects,
      parse('- name: SVC\n  objref: {kind: Service, name: svc, apiVersion: v1}') as Var[],
      [],
      (object) => [
        { group: '', version: 'v1', kind: object.kind ?? '', name: object.metadata?.name ?? '', namespace: '' },
        ...(object === service ? [{ group: '', version: 'v1', kind: 'Service', name: 'svc', namespace: '' }] : []),
      ],
    );
    expect(service.metadata?.labels).toEqual({ l: 'p-svc' });
  });

  it.each([
    [
      'the objref has no apiVersion',
      '- name: SVC\n  objref: {kind: Service, name: svc}',
      "var '{SVC Service.[noVer].[noGrp] {metadata.name}}' cannot be mapped to a field in the set of known resources",
    ],
    [
      'two vars share a name',
      '- name: SVC\n  objref: {kind: Service, name: svc, apiVersion: v1}\n- name: SVC\n  objref: {kind: ConfigMap, name: cm, apiVersion: v1}',
      "merging vars [{SVC Service.[noVer].[noGrp] {}} {SVC ConfigMap.[noVer].[noGrp] {}}]: var 'SVC' already encountered",
    ],
    [
      'no object matches',
      '- name: SVC\n  objref: {kind: Service, name: nope, apiVersion: v1}',
      "var '{SVC Service.v1.[noGrp] {metadata.name}}' cannot be mapped to a field in the set of known resources",
    ],
    [
      'the field is missing',
      '- name: SVC\n  objref: {kind: Service, name: svc, apiVersion: v1}\n  fieldref: {fieldpath: spec.nope}',
      "field specified in var '{SVC Service.v1.[noGrp] {spec.nope}}' not found in corresponding resource",
    ],
  ])('fails when %s, as kustomize does', (_title, varsText, message) => {
    expect(() => resolved(varsText)).toThrow(message);
  });
});
