import type { CoreV1Event } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { EventFormatError, eventFromKubernetesEvent, parseFluxEvent } from './flux-event.ts';

describe('parseFluxEvent', () => {
  it("reads Flux's event JSON and strips the object's group from metadata keys", () => {
    const parsed = parseFluxEvent({
      involvedObject: {
        kind: 'GitRepository',
        namespace: 'flux-system',
        name: 'podinfo',
        apiVersion: 'source.toolkit.fluxcd.io/v1',
        uid: 'u1',
      },
      severity: 'info',
      timestamp: '2026-01-01T10:00:00Z',
      message: "stored artifact for commit 'Update'",
      reason: 'NewArtifact',
      metadata: { 'source.toolkit.fluxcd.io/revision': 'main@sha1:abc', summary: 'prod' },
      reportingController: 'source-controller',
      reportingInstance: 'source-controller-7d9',
    });
    expect(parsed).toMatchObject({
      severity: 'info',
      metadata: { revision: 'main@sha1:abc', summary: 'prod' },
      reportingInstance: 'source-controller-7d9',
    });
  });

  it('names the field that is wrong', () => {
    const base = {
      involvedObject: { kind: 'Kustomization', namespace: 'a', name: 'b' },
      severity: 'info',
      message: 'm',
      reason: 'r',
      reportingController: 'c',
    };
    expect((parseFluxEvent({ ...base, severity: 'fatal' }) as EventFormatError).message).toBe(
      'severity must be info, error or trace, not "fatal"',
    );
    expect(
      (parseFluxEvent({ ...base, involvedObject: { kind: 'K', namespace: 'a' } }) as EventFormatError).message,
    ).toBe('involvedObject.name is missing');
    expect((parseFluxEvent({ ...base, metadata: { n: 1 } }) as EventFormatError).message).toBe(
      'metadata must map strings to strings',
    );
    expect(parseFluxEvent([])).toBeInstanceOf(EventFormatError);
  });
});

describe('eventFromKubernetesEvent', () => {
  const coreEvent: CoreV1Event = {
    metadata: {
      name: 'web.1',
      namespace: 'apps',
      annotations: { 'kustomize.toolkit.fluxcd.io/revision': 'main@sha1:abc', 'other.io/x': 'y' },
    },
    involvedObject: {
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      name: 'web',
      namespace: 'apps',
      uid: 'u',
    },
    type: 'Warning',
    reason: 'HealthCheckFailed',
    message: 'timeout waiting for Deployment/apps/web',
    lastTimestamp: new Date('2026-01-01T10:00:00Z'),
    reportingComponent: 'kustomize-controller',
  };

  it('turns a Warning into an error with the revision as metadata', () => {
    expect(eventFromKubernetesEvent(coreEvent)).toMatchObject({
      severity: 'error',
      reason: 'HealthCheckFailed',
      metadata: { revision: 'main@sha1:abc' },
      reportingController: 'kustomize-controller',
      timestamp: '2026-01-01T10:00:00.000Z',
    });
  });

  it('ignores Events about objects outside the toolkit', () => {
    expect(
      eventFromKubernetesEvent({
        ...coreEvent,
        involvedObject: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
      }),
    ).toBeUndefined();
    expect(
      eventFromKubernetesEvent({ ...coreEvent, involvedObject: { apiVersion: 'v1', kind: 'Pod', name: 'web' } }),
    ).toBeUndefined();
  });
});
