import type { Alert } from '@fluxion/api';
import { describe, expect, it } from 'vitest';
import { eventForAlert, matchingAlerts } from './alert-matching.ts';
import type { FluxEvent } from './flux-event.ts';

function event(overrides: Partial<FluxEvent> = {}): FluxEvent {
  return {
    involvedObject: {
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      name: 'web',
      namespace: 'apps',
    },
    severity: 'info',
    timestamp: '2026-01-01T00:00:00Z',
    message: 'Deployment/apps/web configured',
    reason: 'ReconciliationSucceeded',
    metadata: { revision: 'main@sha1:0123456789abcdef0123456789abcdef01234567' },
    reportingController: 'kustomize-controller',
    ...overrides,
  };
}

function alert(name: string, spec: Partial<NonNullable<Alert['spec']>>, namespace = 'apps'): Alert {
  return {
    apiVersion: 'notification.toolkit.fluxcd.io/v1beta3',
    kind: 'Alert',
    metadata: { name, namespace, uid: name },
    spec: { providerRef: { name: 'slack' }, eventSources: [{ kind: 'Kustomization', name: '*' }], ...spec },
  };
}

const noLabels = async () => ({});
const names = async (e: FluxEvent, alerts: Alert[], options: Partial<Parameters<typeof matchingAlerts>[2]> = {}) =>
  (await matchingAlerts(e, alerts, { noCrossNamespaceRefs: false, labelsOf: noLabels, ...options })).map(
    (m) => `${m.alert.metadata?.name}:${m.severityPasses}`,
  );

describe('matchingAlerts', () => {
  it('matches by kind, exact name, wildcard and glob, in the Alert namespace unless a source names another', async () => {
    const alerts = [
      alert('all', {}),
      alert('exact', { eventSources: [{ kind: 'Kustomization', name: 'web' }] }),
      alert('other-name', { eventSources: [{ kind: 'Kustomization', name: 'api' }] }),
      alert('glob', { eventSources: [{ kind: 'Kustomization', name: 'w*' }] }),
      alert('other-kind', { eventSources: [{ kind: 'GitRepository', name: '*' }] }),
      alert('elsewhere', {}, 'ops'),
      alert('cross', { eventSources: [{ kind: 'Kustomization', name: 'web', namespace: 'apps' }] }, 'ops'),
    ];
    expect(await names(event(), alerts)).toEqual(['all:true', 'exact:true', 'glob:true', 'cross:true']);
  });

  it('refuses cross-namespace sources under --no-cross-namespace-refs and says so', async () => {
    const problems: string[] = [];
    const alerts = [
      alert('cross', { eventSources: [{ kind: 'Kustomization', name: 'web', namespace: 'apps' }] }, 'ops'),
    ];
    expect(
      await names(event(), alerts, { noCrossNamespaceRefs: true, onAlertProblem: (_a, p) => problems.push(p) }),
    ).toEqual([]);
    expect(problems[0]).toContain('cross-namespace references are disabled');
  });

  it('info Alerts take both severities; error Alerts see info events only as possible recoveries', async () => {
    const alerts = [alert('info', { eventSeverity: 'info' }), alert('errors', { eventSeverity: 'error' })];
    expect(await names(event(), alerts)).toEqual(['info:true', 'errors:false']);
    expect(await names(event({ severity: 'error' }), alerts)).toEqual(['info:true', 'errors:true']);
    expect(await names(event({ severity: 'trace' }), alerts)).toEqual([]);
  });

  it('matchLabels with * reads the object labels once', async () => {
    let reads = 0;
    const labelsOf = async () => (reads++, { team: 'web' });
    const alerts = [
      alert('web-team', { eventSources: [{ kind: 'Kustomization', name: '*', matchLabels: { team: 'web' } }] }),
      alert('ops-team', { eventSources: [{ kind: 'Kustomization', name: '*', matchLabels: { team: 'ops' } }] }),
    ];
    expect(await names(event(), alerts, { labelsOf })).toEqual(['web-team:true']);
    expect(reads).toBe(1);
  });

  it('applies exclusionList, then inclusionList, and skips suspended Alerts', async () => {
    const alerts = [
      alert('excluded', { exclusionList: ['configured$'] }),
      alert('included', { inclusionList: ['^Deployment/'] }),
      alert('not-included', { inclusionList: ['^Service/'] }),
      alert('suspended', { suspend: true }),
    ];
    expect(await names(event(), alerts)).toEqual(['included:true']);
  });

  it('names an invalid regular expression as a problem of the Alert', async () => {
    const problems: string[] = [];
    await names(event(), [alert('bad', { exclusionList: ['(unclosed'] })], {
      onAlertProblem: (_a, p) => problems.push(p),
    });
    expect(problems[0]).toMatch(/spec.exclusionList "\(unclosed" is not a valid regular expression/);
  });
});

describe('eventForAlert', () => {
  it('adds eventMetadata and summary without overriding the event metadata', () => {
    const sent = eventForAlert(
      event(),
      alert('a', { summary: 'prod cluster', eventMetadata: { env: 'prod', revision: 'overridden?' } }),
    );
    expect(sent.metadata).toEqual({
      env: 'prod',
      summary: 'prod cluster',
      revision: 'main@sha1:0123456789abcdef0123456789abcdef01234567',
    });
  });
});
