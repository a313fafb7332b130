// Expected outputs below are `kubectl kustomize` (kustomize v5.5.0) output for the same resource and patch.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { patched, sharedDeployment, type Case } from './strategic-merge.test-support.ts';
import { isDeletedByPatch } from './strategic-merge.ts';

const cases: Case[] = [
  {
    title: 'replaces a merged list given a `- $patch: replace` element',
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
      - name: z
        image: z
      - $patch: replace
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
      - image: z
        name: z
      volumes:
      - emptyDir: {}
        name: v1
      - configMap:
          name: cm
        name: v2
`,
  },
  {
    title: 'deletes a list element marked `$patch: delete`',
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
        $patch: delete
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
    title: 'deletes a whole merged list with a lone `- $patch: delete` element',
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
      - name: a
        env:
        - $patch: delete
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
      - image: a
        name: a
`,
  },
  {
    title: 'drops $patch: delete elements from lists the target did not have',
    resource: `
apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
  - name: a
    image: a
`,
    patch: `
apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
  - name: a
    ports:
    - containerPort: 80
    - containerPort: 81
      $patch: delete
    env:
    - name: E
      value: e
  volumes:
  - name: v
    emptyDir: {}
  - name: w
    $patch: delete
`,
    kustomizeOutput: `
apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
  - env:
    - name: E
      value: e
    image: a
    name: a
    ports:
    - containerPort: 80
  volumes:
  - emptyDir: {}
    name: v
`,
  },
  {
    title: 'deletes the whole object with a top-level $patch: delete',
    resource: sharedDeployment,
    patch: `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
$patch: delete
`,
    kustomizeOutput: `
`,
  },
  {
    title:
      'replaces and deletes maps with $patch, clears a map with null, replaces unmerged lists, merges volumeMounts by mountPath and adds new lists',
    resource: `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
  labels: {a: "1", b: "2"}
spec:
  selector:
    matchLabels: {a: "1"}
  template:
    metadata:
      labels: {a: "1"}
    spec:
      nodeSelector: {x: y}
      tolerations:
      - key: k1
        operator: Exists
      - key: k2
        operator: Exists
      containers:
      - name: a
        image: a
        volumeMounts:
        - mountPath: /a
          name: v1
        - mountPath: /b
          name: v2
        resources:
          limits: {cpu: "1", memory: 1Gi}
`,
    patch: `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
  labels:
    $patch: replace
    c: "3"
spec:
  template:
    metadata:
      labels:
        $patch: delete
    spec:
      nodeSelector: null
      tolerations:
      - key: k3
        operator: Exists
      initContainers:
      - name: init
        image: i
      - name: gone
        $patch: delete
      containers:
      - name: a
        volumeMounts:
        - mountPath: /b
          name: v2b
        - mountPath: /c
          name: v3
        resources:
          limits:
            cpu: "2"
          requests:
            cpu: "1"
`,
    kustomizeOutput: `
apiVersion: apps/v1
kind: Deployment
metadata:
  labels:
    c: "3"
  name: app
spec:
  selector:
    matchLabels:
      a: "1"
  template:
    metadata: {}
    spec:
      containers:
      - image: a
        name: a
        resources:
          limits:
            cpu: "2"
            memory: 1Gi
          requests:
            cpu: "1"
        volumeMounts:
        - mountPath: /b
          name: v2b
        - mountPath: /c
          name: v3
        - mountPath: /a
          name: v1
      initContainers:
      - image: i
        name: init
      tolerations:
      - key: k3
        operator: Exists
`,
  },
  {
    title: 'empties a merged list when a patch element lacks the merge key, as kustomize does',
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
      - image: nokey
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
      containers: []
      volumes:
      - emptyDir: {}
        name: v1
      - configMap:
          name: cm
        name: v2
`,
  },
  {
    title: 'keeps $setElementOrder as a plain field (kustomize ignores it)',
    resource: sharedDeployment,
    patch: `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  template:
    spec:
      $setElementOrder/containers:
      - name: b
      - name: a
      containers:
      - name: a
        image: a2
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
      $setElementOrder/containers:
      - name: b
      - name: a
      containers:
      - args:
        - x
        - "y"
        env:
        - name: A
          value: a
        - name: B
          value: b
        image: a2
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
    title: 'keeps $retainKeys as a plain field and retains other keys (kustomize ignores it)',
    resource: sharedDeployment,
    patch: `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  strategy:
    $retainKeys: [type]
    type: Recreate
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
    $retainKeys:
    - type
    rollingUpdate:
      maxSurge: 1
    type: Recreate
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
    title: 'keeps $deleteFromPrimitiveList as a plain field (kustomize ignores it)',
    resource: sharedDeployment,
    patch: `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
  $deleteFromPrimitiveList/finalizers: [f1]
`,
    kustomizeOutput: `
apiVersion: apps/v1
kind: Deployment
metadata:
  $deleteFromPrimitiveList/finalizers:
  - f1
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
      - emptyDir: {}
        name: v1
      - configMap:
          name: cm
        name: v2
`,
  },
];

describe('applyStrategicMergePatch directives', () => {
  it.each(cases)('$title', ({ resource, patch, kustomizeOutput }) => {
    expect(patched(resource, patch)).toEqual(parse(kustomizeOutput) ?? {});
  });

  it('reports a deleted object as deleted', () => {
    const patch = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\n$patch: delete\n';
    expect(isDeletedByPatch(patched(sharedDeployment, patch))).toBe(true);
  });
});
