import { describe, expect, it } from 'vitest';
import { KubeApiError, isGone, isNotFound } from './api-error.ts';

describe('KubeApiError', () => {
  it('takes code, reason and message from the API server Status body', () => {
    const body = JSON.stringify({
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      code: 422,
      reason: 'Invalid',
      message: 'ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value',
    });
    const error = KubeApiError.fromResponse('PATCH', '/api/v1/namespaces/a/configmaps/Bad_Name', 422, body);
    expect(error.statusCode).toBe(422);
    expect(error.reason).toBe('Invalid');
    expect(error.serverMessage).toBe('ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value');
    expect(error.message).toContain('PATCH /api/v1/namespaces/a/configmaps/Bad_Name: 422 Invalid');
  });

  it('still says something useful when a proxy answers with plain text', () => {
    const error = KubeApiError.fromResponse('GET', '/api/v1/pods', 404, 'page not found');
    expect(isNotFound(error)).toBe(true);
    expect(error.serverMessage).toContain('page not found');
  });

  it('recognises 410 Expired from a watch ERROR event as Gone', () => {
    const error = KubeApiError.fromStatus('WATCH', 'v1 ConfigMap', {
      code: 410,
      reason: 'Expired',
      message: 'too old resource version: 5 (90)',
    });
    expect(isGone(error)).toBe(true);
  });
});
