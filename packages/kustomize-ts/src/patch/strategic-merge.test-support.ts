// Shared by the strategic merge patch tests: the case shape, a YAML-in helper and the Deployment most cases patch.
import { parse } from 'yaml';
import { applyStrategicMergePatch } from './strategic-merge.ts';
import type { KObject } from '../types.ts';

export type Case = { title: string; resource: string; patch: string; kustomizeOutput: string };

export function patched(resource: string, patch: string): KObject {
  return applyStrategicMergePatch(parse(resource) as KObject, parse(patch) as KObject);
}

export const sharedDeployment = `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
  finalizers: [f1, f2]
spec:
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxSurge: 1
  template:
    spec:
      volumes:
      - name: v1
        emptyDir: {}
      - name: v2
        configMap:
          name: cm
      containers:
      - name: a
        image: a
        args: [x, y]
        ports:
        - containerPort: 80
          name: http
        - containerPort: 443
          name: https
        - containerPort: 53
          protocol: UDP
        env:
        - name: A
          value: a
        - name: B
          value: b
      - name: b
        image: b
`;
