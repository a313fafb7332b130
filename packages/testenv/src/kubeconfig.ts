// The admin kubeconfig handed to tests, the demo and the controllers.
import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';

export interface AdminCredentials {
  server: string;
  caData: string;
  token: string;
}

export function renderKubeconfig({ server, caData, token }: AdminCredentials, name = 'fluxion-testenv'): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster: { server, 'certificate-authority-data': Buffer.from(caData).toString('base64') } }],
    users: [{ name: 'admin', user: { token } }],
    contexts: [{ name, context: { cluster: name, user: 'admin' } }],
    'current-context': name,
    preferences: {},
  });
}

export function writeKubeconfig(path: string, credentials: AdminCredentials): void {
  writeFileSync(path, renderKubeconfig(credentials), { mode: 0o600 });
}
