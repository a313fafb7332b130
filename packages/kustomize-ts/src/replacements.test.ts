// Expected outputs below are `kubectl kustomize` (kustomize v5.5.0) output for the same resources and replacements.
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { applyReplacements, resolveReplacementSpecs } from './replacements.ts';
import type { KObject, Replacement } from './types.ts';

type Case = { title: string; resources: string; replacements: string; kustomizeOutput: string };

function documents(text: string): KObject[] {
  return parseAllDocuments(text).map((document) => document.toJS() as KObject);
}

function byKindAndName(objects: KObject[]): Record<string, KObject> {
  return Object.fromEntries(objects.map((object) => [`${object.kind}/${object.metadata?.name}`, object]));
}

function replaced(resources: string, replacements: string): KObject[] {
  const objects = documents(resources);
  applyReplacements(objects, parse(replacements) as Replacement[]);
  return objects;
}

const sharedResources = `
apiVersion: v1
kind: ConfigMap
metadata:
  name: src
  labels:
    tier: config
data:
  port: "8080"
  image: nginx:1.25
  num: "3"
  host: a.b.example.com
  nothing: ""
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
  labels:
    tier: web
spec:
  replicas: 1
  template:
    spec:
      containers:
      - name: app
        image: old
        ports:
        - containerPort: 80
        env:
        - name: HOST
          value: x.y.z
      - name: app-sidecar
        image: side
      - name: other
        image: other
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: skipme
  labels:
    tier: web
spec:
  replicas: 1
  template:
    spec:
      containers:
      - name: app
        image: old
`;

const cases: Case[] = [
  {
    title:
      'selects targets by kind, name, label selector and reject; [name=x] matches as a regex; * and create add fields; delimiters pick and place parts',
    resources: sharedResources,
    replacements: `
- source:
    kind: ConfigMap
    name: src
    fieldPath: data.image
  targets:
  - select:
      kind: Deployment
    reject:
    - name: skipme
    fieldPaths:
    - spec.template.spec.containers.[name=app].image
- source:
    kind: ConfigMap
    name: src
    fieldPath: data.port
  targets:
  - select:
      kind: Deployment
      name: app
    fieldPaths:
    - spec.template.spec.containers.0.ports.0.containerPort
    - spec.template.spec.containers.*.env.[name=PORT].value
    options:
      create: true
- source:
    kind: ConfigMap
    name: src
    fieldPath: data.num
  targets:
  - select:
      kind: Deployment
      labelSelector: tier=web
    fieldPaths:
    - spec.replicas
    - spec.template.metadata.annotations.num
    options:
      create: true
- source:
    kind: ConfigMap
    name: src
    fieldPath: data.host
    options:
      delimiter: "."
      index: 1
  targets:
  - select:
      name: app
    fieldPaths:
    - spec.template.spec.containers.[name=app].env.[name=HOST].value
    options:
      delimiter: "."
      index: 0
- source:
    kind: ConfigMap
    name: src
  targets:
  - select:
      kind: Deployment
      name: app
    fieldPaths:
    - metadata.annotations.from
    options:
      create: true
`,
    kustomizeOutput: `
apiVersion: v1
data:
  host: a.b.example.com
  image: nginx:1.25
  nothing: ""
  num: "3"
  port: "8080"
kind: ConfigMap
metadata:
  labels:
    tier: config
  name: src
---
apiVersion: apps/v1
kind: Deployment
metadata:
  annotations:
    from: src
  labels:
    tier: web
  name: app
spec:
  replicas: 3
  template:
    metadata:
      annotations:
        num: 3
    spec:
      containers:
      - env:
        - name: HOST
          value: b.y.z
        - name: PORT
          value: 8080
        image: nginx:1.25
        name: app
        ports:
        - containerPort: 8080
      - env:
        - name: PORT
          value: 8080
        image: nginx:1.25
        name: app-sidecar
      - env:
        - name: PORT
          value: 8080
        image: other
        name: other
---
apiVersion: apps/v1
kind: Deployment
metadata:
  labels:
    tier: web
  name: skipme
spec:
  replicas: 3
  template:
    metadata:
      annotations:
        num: 3
    spec:
      containers:
      - image: old
        name: app
`,
  },
  {
    title: 'rejects by label selector together with a name',
    resources: sharedResources,
    replacements: `
- source: {kind: ConfigMap, name: src, fieldPath: data.port}
  targets: [{select: {kind: Deployment, labelSelector: "tier in (web, x)"}, reject: [{labelSelector: "tier=web", name: app}], fieldPaths: [metadata.annotations.a]}]
`,
    kustomizeOutput: `
apiVersion: v1
data:
  host: a.b.example.com
  image: nginx:1.25
  nothing: ""
  num: "3"
  port: "8080"
kind: ConfigMap
metadata:
  labels:
    tier: config
  name: src
---
apiVersion: apps/v1
kind: Deployment
metadata:
  labels:
    tier: web
  name: app
spec:
  replicas: 1
  template:
    spec:
      containers:
      - env:
        - name: HOST
          value: x.y.z
        image: old
        name: app
        ports:
        - containerPort: 80
      - image: side
        name: app-sidecar
      - image: other
        name: other
---
apiVersion: apps/v1
kind: Deployment
metadata:
  labels:
    tier: web
  name: skipme
spec:
  replicas: 1
  template:
    spec:
      containers:
      - image: old
        name: app
`,
  },
  {
    title: 'prefixes and suffixes a delimited target value with a negative or too large index',
    resources: sharedResources,
    replacements: `
- source: {kind: ConfigMap, name: src, fieldPath: data.host, options: {delimiter: ".", index: 0}}
  targets: [{select: {kind: Deployment, name: app}, fieldPaths: [metadata.labels.tier], options: {delimiter: "-", index: -1}}, {select: {kind: Deployment, name: skipme}, fieldPaths: [metadata.labels.tier], options: {delimiter: "-", index: 5}}]
`,
    kustomizeOutput: `
apiVersion: v1
data:
  host: a.b.example.com
  image: nginx:1.25
  nothing: ""
  num: "3"
  port: "8080"
kind: ConfigMap
metadata:
  labels:
    tier: config
  name: src
---
apiVersion: apps/v1
kind: Deployment
metadata:
  labels:
    tier: a-web
  name: app
spec:
  replicas: 1
  template:
    spec:
      containers:
      - env:
        - name: HOST
          value: x.y.z
        image: old
        name: app
        ports:
        - containerPort: 80
      - image: side
        name: app-sidecar
      - image: other
        name: other
---
apiVersion: apps/v1
kind: Deployment
metadata:
  labels:
    tier: web-a
  name: skipme
spec:
  replicas: 1
  template:
    spec:
      containers:
      - image: old
        name: app
`,
  },
  {
    title: 'reads a source through list selectors and creates dotted map keys and missing fields',
    resources: sharedResources,
    replacements: `
- source:
    kind: Deployment
    name: app
    fieldPath: spec.template.spec.containers.[name=app].env.[name=HOST].value
  targets:
  - select: {kind: ConfigMap}
    fieldPaths: ["metadata.annotations.[example.com/host]", data.port]
    options: {create: true}
  - select: {kind: Deployment, name: app}
    fieldPaths: ["spec.template.spec.containers.[name=^app$].args"]
    options: {create: true}
`,
    kustomizeOutput: `
apiVersion: v1
data:
  host: a.b.example.com
  image: nginx:1.25
  nothing: ""
  num: "3"
  port: x.y.z
kind: ConfigMap
metadata:
  annotations:
    example.com/host: x.y.z
  labels:
    tier: config
  name: src
---
apiVersion: apps/v1
kind: Deployment
metadata:
  labels:
    tier: web
  name: app
spec:
  replicas: 1
  template:
    spec:
      containers:
      - args: x.y.z
        env:
        - name: HOST
          value: x.y.z
        image: old
        name: app
        ports:
        - containerPort: 80
      - image: side
        name: app-sidecar
      - image: other
        name: other
---
apiVersion: apps/v1
kind: Deployment
metadata:
  labels:
    tier: web
  name: skipme
spec:
  replicas: 1
  template:
    spec:
      containers:
      - image: old
        name: app
`,
  },
  {
    title: 'keeps the type of scalar targets, fills null ones, matches primitive list items by regex and copies maps',
    resources: `
apiVersion: v1
kind: ConfigMap
metadata:
  name: src
data:
  word: hello
  num: "42"
  obj: x
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: dst
  annotations:
    nullish: null
    empty:
data:
  quoted: "7"
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  replicas: 1
  paused: false
  template:
    spec:
      containers:
      - name: a
        image: old
        args: ["--x", "--y=1"]
`,
    replacements: `
- source: {kind: ConfigMap, name: src, fieldPath: data.word}
  targets:
  - select: {name: dst}
    fieldPaths: [metadata.annotations.nullish, metadata.annotations.empty]
- source: {kind: ConfigMap, name: src, fieldPath: data.num}
  targets:
  - select: {name: dst}
    fieldPaths: [data.quoted]
  - select: {kind: Deployment}
    fieldPaths:
    - spec.template.spec.containers.0.args.[=--y.*]
- source: {kind: ConfigMap, name: src, fieldPath: data}
  targets:
  - select: {kind: Deployment}
    fieldPaths: [spec.template.metadata.labels]
    options: {create: true}
`,
    kustomizeOutput: `
apiVersion: v1
data:
  quoted: "42"
kind: ConfigMap
metadata:
  annotations:
    empty: hello
    nullish: hello
  name: dst
---
apiVersion: v1
data:
  num: "42"
  obj: x
  word: hello
kind: ConfigMap
metadata:
  name: src
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  paused: false
  replicas: 1
  template:
    metadata:
      labels:
        num: "42"
        obj: x
        word: hello
    spec:
      containers:
      - args:
        - --x
        - "42"
        image: old
        name: a
`,
  },
];

describe('applyReplacements', () => {
  it.each(cases)('$title', ({ resources, replacements, kustomizeOutput }) => {
    expect(byKindAndName(replaced(resources, replacements))).toEqual(byKindAndName(documents(kustomizeOutput)));
  });

  it.each([
    [
      'no resource matches the source',
      '- source: {kind: Secret, name: nope}\n  targets: [{select: {kind: Deployment}}]',
      'nothing selected by Secret.[noVer].[noGrp]/nope.[noNs]',
    ],
    [
      'several resources match the source',
      '- source: {kind: Deployment}\n  targets: [{select: {kind: ConfigMap}}]',
      'multiple matches for selector Deployment.[noVer].[noGrp]/[noName].[noNs]',
    ],
    [
      'the source field is missing',
      '- source: {kind: ConfigMap, name: src, fieldPath: data.nope}\n  targets: [{select: {kind: Deployment}}]',
      'fieldPath `data.nope` is missing for replacement source ConfigMap.[noVer].[noGrp]/src.[noNs]',
    ],
    [
      'a target field is missing',
      '- source: {kind: ConfigMap, name: src, fieldPath: data.port}\n  targets: [{select: {kind: Deployment}, fieldPaths: [spec.nope.x]}]',
      'unable to find field "spec.nope.x" in replacement target',
    ],
    [
      'targets are missing',
      '- source: {kind: ConfigMap, name: src}',
      'replacements must specify a source and at least one target',
    ],
    [
      'the delimiter index is out of bounds',
      '- source: {kind: ConfigMap, name: src, fieldPath: data.host, options: {delimiter: ".", index: 9}}\n  targets: [{select: {kind: Deployment}}]',
      'options.index 9 is out of bounds for value a.b.example.com',
    ],
    [
      'a map field is addressed inside a list',
      '- source: {kind: ConfigMap, name: src, fieldPath: data.port}\n  targets: [{select: {kind: Deployment}, fieldPaths: [spec.template.spec.containers.image]}]',
      'unable to find field "spec.template.spec.containers.image" in replacement target: wrong node kind: expected MappingNode but got SequenceNode',
    ],
    [
      'a number field would get a word',
      '- source: {kind: ConfigMap, name: src, fieldPath: data.image}\n  targets: [{select: {kind: Deployment}, fieldPaths: [spec.replicas]}]',
      'cannot decode !!str `nginx:1.25` as a !!int',
    ],
  ])('fails when %s, as kustomize does', (_title, replacements, message) => {
    expect(() => replaced(sharedResources, replacements)).toThrow(message);
  });
});

describe('resolveReplacementSpecs', () => {
  const files: Record<string, string> = {
    'list.yaml':
      '- source: {kind: ConfigMap, name: a}\n  targets: [{select: {kind: Secret}}]\n- source: {kind: ConfigMap, name: b}\n  targets: [{select: {kind: Secret}}]\n',
    'single.yaml': 'source: {kind: ConfigMap, name: c}\ntargets: [{select: {kind: Secret}}]\n',
  };
  const readFile = (path: string): string => files[path] ?? '';

  it('reads a list or a single replacement from files, in order with inline ones', () => {
    const resolved = resolveReplacementSpecs(
      [{ path: 'list.yaml' }, { source: { kind: 'Pod', name: 'inline' }, targets: [] }, { path: 'single.yaml' }],
      readFile,
    );
    expect(resolved.map((replacement) => replacement.source?.name)).toEqual(['a', 'b', 'inline', 'c']);
  });

  it('refuses a path together with an inline replacement', () => {
    expect(() => resolveReplacementSpecs([{ path: 'single.yaml', source: { kind: 'Pod' } }], readFile)).toThrow(
      'cannot specify both path and inline replacement',
    );
  });
});
