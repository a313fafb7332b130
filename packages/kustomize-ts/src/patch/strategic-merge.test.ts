// Expected outputs below are `kubectl kustomize` (kustomize v5.5.0) output for the same resource and patch.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { patched, sharedDeployment, type Case } from './strategic-merge.test-support.ts';
import { applyStrategicMergePatch } from './strategic-merge.ts';
import type { KObject } from '../types.ts';

const cases: Case[] = [
  {
    title: 'merges containers by name, patch elements first, then the rest of the target',
    resource: `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  template:
    spec:
      containers:
      - name: a
        image: a
      - name: b
        image: b
        env:
        - name: A
          value: a
`,
    patch: `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  template:
    spec:
      containers:
      - name: b
        image: newb
        env:
        - name: Z
          value: z
      - name: c
        image: c
`,
    kustomizeOutput: `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  template:
    spec:
      containers:
      - env:
        - name: Z
          value: z
        - name: A
          value: a
        image: newb
        name: b
      - image: c
        name: c
      - image: a
        name: a
`,
  },
  {
    title:
      'replaces lists wholesale in a kind without schema, but merges an embedded object that has its own apiVersion/kind',
    resource: `
apiVersion: example.com/v1
kind: Foo
metadata:
  name: foo
  finalizers: [a]
spec:
  items:
  - name: x
    value: 1
  - name: y
    value: 2
  tags: [a, b]
  nested:
    keep: 1
    drop: 2
  template:
    apiVersion: apps/v1
    kind: Deployment
    spec:
      template:
        spec:
          containers:
          - name: a
            image: a
          - name: b
            image: b
`,
    patch: `
apiVersion: example.com/v1
kind: Foo
metadata:
  name: foo
  finalizers: [b]
spec:
  items:
  - name: x
    value: 9
  - $patch: replace
  nested:
    drop: null
    added: 3
  template:
    spec:
      template:
        spec:
          containers:
          - name: b
            image: b2
`,
    kustomizeOutput: `
apiVersion: example.com/v1
kind: Foo
metadata:
  finalizers:
  - b
  name: foo
spec:
  items:
  - name: x
    value: 9
  - $patch: replace
  nested:
    added: 3
    keep: 1
  tags:
  - a
  - b
  template:
    apiVersion: apps/v1
    kind: Deployment
    spec:
      template:
        spec:
          containers:
          - image: b2
            name: b
          - image: a
            name: a
`,
  },
  {
    title: 'merges container ports by containerPort+protocol (x-kubernetes-list-map-keys)',
    resource: sharedDeployment,
    patch: `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  template:
    spec:
      containers:
      - name: a
        ports:
        - containerPort: 443
          name: tls
        - containerPort: 53
          protocol: TCP
        - containerPort: 8080
`,
    kustomizeOutput: `
apiVersion: apps/v1
kind: Deployment
metadata:
  finalizers:
  - f1
  - f2
  name: app
spec:
  strategy:
    rollingUpdate:
      maxSurge: 1
    type: RollingUpdate
  template:
    spec:
      containers:
      - args:
        - x
        - "y"
        env:
        - name: A
          value: a
        - name: B
          value: b
        image: a
        name: a
        ports:
        - containerPort: 53
          protocol: TCP
        - containerPort: 8080
        - containerPort: 80
          name: http
        - containerPort: 443
          name: tls
        - containerPort: 53
          protocol: UDP
      - image: b
        name: b
      volumes:
      - emptyDir: {}
        name: v1
      - configMap:
          name: cm
        name: v2
`,
  },
  {
    title: 'merges volumes (strategy merge,retainKeys) by name',
    resource: sharedDeployment,
    patch: `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  template:
    spec:
      volumes:
      - name: v3
        secret:
          secretName: s
`,
    kustomizeOutput: `
apiVersion: apps/v1
kind: Deployment
metadata:
  finalizers:
  - f1
  - f2
  name: app
spec:
  strategy:
    rollingUpdate:
      maxSurge: 1
    type: RollingUpdate
  template:
    spec:
      containers:
      - args:
        - x
        - "y"
        env:
        - name: A
          value: a
        - name: B
          value: b
        image: a
        name: a
        ports:
        - containerPort: 80
          name: http
        - containerPort: 443
          name: https
        - containerPort: 53
          protocol: UDP
      - image: b
        name: b
      volumes:
      - name: v3
        secret:
          secretName: s
      - emptyDir: {}
        name: v1
      - configMap:
          name: cm
        name: v2
`,
  },
  {
    title: 'unions a merged primitive list (finalizers), patch values first',
    resource: sharedDeployment,
    patch: `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
  finalizers: [f3, f1]
`,
    kustomizeOutput: `
apiVersion: apps/v1
kind: Deployment
metadata:
  finalizers:
  - f3
  - f1
  - f2
  name: app
spec:
  strategy:
    rollingUpdate:
      maxSurge: 1
    type: RollingUpdate
  template:
    spec:
      containers:
      - args:
        - x
        - "y"
        env:
        - name: A
          value: a
        - name: B
          value: b
        image: a
        name: a
        ports:
        - containerPort: 80
          name: http
        - containerPort: 443
          name: https
        - containerPort: 53
          protocol: UDP
      - image: b
        name: b
      volumes:
      - emptyDir: {}
        name: v1
      - configMap:
          name: cm
        name: v2
`,
  },
  {
    title: 'merges service ports by port+protocol and keeps a differently-protocolled port apart',
    resource: `
apiVersion: v1
kind: Service
metadata:
  name: s
spec:
  ports:
  - port: 80
    targetPort: 8080
    name: http
  - port: 53
    protocol: UDP
    name: dns
  selector: {app: a}
`,
    patch: `
apiVersion: v1
kind: Service
metadata:
  name: s
spec:
  ports:
  - port: 80
    targetPort: 9090
  - port: 53
    protocol: TCP
    name: dnstcp
`,
    kustomizeOutput: `
apiVersion: v1
kind: Service
metadata:
  name: s
spec:
  ports:
  - name: dnstcp
    port: 53
    protocol: TCP
  - name: http
    port: 80
    targetPort: 9090
  - name: dns
    port: 53
    protocol: UDP
  selector:
    app: a
`,
  },
  {
    title: 'merges env by name deep inside a CronJob and replaces args',
    resource: `
apiVersion: batch/v1
kind: CronJob
metadata:
  name: c
spec:
  schedule: "* * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
          - name: a
            image: a
            env:
            - name: X
              value: "1"
            args: ["--a"]
`,
    patch: `
apiVersion: batch/v1
kind: CronJob
metadata:
  name: c
spec:
  jobTemplate:
    spec:
      template:
        spec:
          containers:
          - name: a
            env:
            - name: Y
              value: "2"
            - name: X
              valueFrom:
                fieldRef:
                  fieldPath: metadata.name
            args: ["--b"]
`,
    kustomizeOutput: `
apiVersion: batch/v1
kind: CronJob
metadata:
  name: c
spec:
  jobTemplate:
    spec:
      template:
        spec:
          containers:
          - args:
            - --b
            env:
            - name: "Y"
              value: "2"
            - name: X
              value: "1"
              valueFrom:
                fieldRef:
                  fieldPath: metadata.name
            image: a
            name: a
  schedule: '* * * * *'
`,
  },
  {
    title: 'removes fields set to null in the patch',
    resource: sharedDeployment,
    patch: `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
  labels: null
spec:
  strategy:
    rollingUpdate: null
  template:
    spec:
      containers:
      - name: a
        args: null
        image: null
`,
    kustomizeOutput: `
apiVersion: apps/v1
kind: Deployment
metadata:
  finalizers:
  - f1
  - f2
  name: app
spec:
  strategy:
    type: RollingUpdate
  template:
    spec:
      containers:
      - env:
        - name: A
          value: a
        - name: B
          value: b
        name: a
        ports:
        - containerPort: 80
          name: http
        - containerPort: 443
          name: https
        - containerPort: 53
          protocol: UDP
      - image: b
        name: b
      volumes:
      - emptyDir: {}
        name: v1
      - configMap:
          name: cm
        name: v2
`,
  },
];

describe('applyStrategicMergePatch', () => {
  it.each(cases)('$title', ({ resource, patch, kustomizeOutput }) => {
    expect(patched(resource, patch)).toEqual(parse(kustomizeOutput) ?? {});
  });

  it('leaves its arguments untouched', () => {
    const resource = parse(sharedDeployment) as KObject;
    const patch = parse(
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\n  finalizers: [z]\n',
    ) as KObject;
    const before = structuredClone([resource, patch]);
    applyStrategicMergePatch(resource, patch);
    expect([resource, patch]).toEqual(before);
  });

  it('keeps null fields of the target that the patch does not name', () => {
    const resource = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\nother:\n  n: null\nspec:\n  j: null\n';
    const patch = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\nspec2: {}\n';
    expect(patched(resource, patch)).toEqual(parse(`${resource}spec2: {}\n`));
  });

  // kustomize: `wrong node kind: expected MappingNode but got ScalarNode: node contents:\nfoo`
  it('fails when the patch puts a scalar where the target has a map', () => {
    const patch = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\nspec:\n  template: foo\n';
    expect(() => patched(sharedDeployment, patch)).toThrow(/wrong node kind: expected MappingNode but got ScalarNode/);
  });

  // kustomize: `unknown patch strategy 'bogus'`
  it('fails on an unknown $patch directive', () => {
    const patch = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\nspec:\n  $patch: bogus\n';
    expect(() => patched(sharedDeployment, patch)).toThrow("unknown patch strategy 'bogus'");
  });
});
