// A copy of a kubeconfig whose requests act as another user, so a controller runs with exactly the chart's RBAC.
import { readFileSync, writeFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';

interface KubeconfigFile {
  users?: { name: string; user: Record<string, unknown> }[];
}

/** Writes `outputPath`: the admin kubeconfig with `as: system:serviceaccount:<namespace>:<name>` on every user. */
export function writeServiceAccountKubeconfig(
  adminKubeconfigPath: string,
  namespace: string,
  serviceAccount: string,
  outputPath: string,
): string {
  const config = parse(readFileSync(adminKubeconfigPath, 'utf8')) as KubeconfigFile;
  for (const entry of config.users ?? []) entry.user.as = `system:serviceaccount:${namespace}:${serviceAccount}`;
  writeFileSync(outputPath, stringify(config), { mode: 0o600 });
  return outputPath;
}
