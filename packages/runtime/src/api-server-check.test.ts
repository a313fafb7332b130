import { KubeConfig } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { apiServerReachableCheck } from './api-server-check.ts';

describe('apiServerReachableCheck', () => {
  it('fails with the API server address when nothing answers there', async () => {
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromClusterAndUser(
      { name: 'gone', server: 'https://127.0.0.1:1', skipTLSVerify: true },
      { name: 'u' },
    );
    const check = apiServerReachableCheck(kubeConfig);
    await expect(Promise.resolve().then(check)).rejects.toThrow(/^https:\/\/127\.0\.0\.1:1\/version: /);
  });
});
