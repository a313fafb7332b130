// The audit log is counted one event per request, the controller's alone, dry runs apart from writes.
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AuditCounts, total, WRITE_VERBS } from './audit-counts.ts';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const event = (fields: Record<string, unknown>) =>
  `${JSON.stringify({ kind: 'Event', auditID: Math.random().toString(36), ...fields })}\n`;

describe('AuditCounts', () => {
  it('counts each request once, the controller only, and a dry run apart from the writes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'audit-'));
    dirs.push(dir);
    const log = join(dir, 'audit.log');
    writeFileSync(
      log,
      event({
        stage: 'ResponseComplete',
        verb: 'get',
        userAgent: 'kustomize-controller/v1.9.6',
        objectRef: { resource: 'configmaps' },
      }),
    );
    const counts = new AuditCounts(log);
    counts.mark();
    appendFileSync(
      log,
      [
        event({
          stage: 'ResponseStarted',
          verb: 'watch',
          userAgent: 'kustomize-controller/v1.9.6',
          objectRef: { resource: 'pods' },
        }),
        event({
          stage: 'ResponseComplete',
          verb: 'watch',
          userAgent: 'kustomize-controller/v1.9.6',
          objectRef: { resource: 'pods' },
        }),
        event({
          stage: 'ResponseComplete',
          verb: 'patch',
          userAgent: 'kustomize-controller/v1.9.6',
          objectRef: { resource: 'kustomizations', subresource: 'status' },
        }),
        event({
          stage: 'ResponseComplete',
          verb: 'patch',
          userAgent: 'kustomize-controller/v1.9.6',
          requestURI: '/api/v1/namespaces/a/configmaps/b?dryRun=All',
          objectRef: { resource: 'configmaps' },
        }),
        event({
          stage: 'ResponseComplete',
          verb: 'list',
          userAgent: 'fluxion-bench',
          objectRef: { resource: 'kustomizations' },
        }),
        event({
          stage: 'ResponseComplete',
          verb: 'update',
          userAgent: 'kube-controller-manager/v1.36.3 (linux/amd64)',
          objectRef: { resource: 'leases' },
        }),
      ].join('') + '{"kind":"Event","stage":"Respo', // half a line: read next time
    );
    const { byKind, userAgents } = counts.sinceLast();
    expect(Object.fromEntries(byKind)).toEqual({
      'watch pods': 1,
      'patch kustomizations/status': 1,
      'patch(dry-run) configmaps': 1,
    });
    expect([...userAgents]).toEqual(['kustomize-controller/v1.9.6']);
    expect(total(byKind, (verb) => WRITE_VERBS.has(verb))).toBe(1);
    appendFileSync(
      log,
      'nseComplete","verb":"delete","userAgent":"kustomize-controller","objectRef":{"resource":"secrets"}}\n',
    );
    expect(Object.fromEntries(counts.sinceLast().byKind)).toEqual({ 'delete secrets': 1 });
  });

  it('leaves out a controller that runs beside the measured one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'audit-'));
    dirs.push(dir);
    const log = join(dir, 'audit.log');
    writeFileSync(
      log,
      [
        event({
          stage: 'ResponseComplete',
          verb: 'create',
          userAgent: 'helm-controller/v1.6.4 (linux/amd64)',
          objectRef: { resource: 'secrets' },
        }),
        event({
          stage: 'ResponseComplete',
          verb: 'patch',
          userAgent: 'source-controller/v1.9.6 (linux/amd64)',
          objectRef: { resource: 'helmcharts', subresource: 'status' },
        }),
      ].join(''),
    );
    const { byKind, userAgents } = new AuditCounts(log).sinceLast(/^source-controller/);
    expect(Object.fromEntries(byKind)).toEqual({ 'create secrets': 1 });
    expect([...userAgents]).toEqual(['helm-controller/v1.6.4 (linux/amd64)']);
  });
});
